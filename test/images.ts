/**
 * Test images, generated with sharp (nothing binary is committed). `photo` looks enough like a
 * camera picture for the quality measures: smooth gradients, shapes and fine noise give a sharpness
 * in the range of real photos (1.3-6), a mid brightness and no glare.
 */
import sharp from 'sharp'

export interface PhotoOptions {
  width?: number
  height?: number
  /** Different seeds give different pictures; the same seed the same bytes. */
  seed?: number
  format?: 'jpeg' | 'png'
  quality?: number
  /** Multiply every pixel (1 = unchanged): < 0.2 gives a too-dark picture, > 3 a washed-out one. */
  gain?: number
  /** Gaussian blur sigma applied at the end (e.g. 8 for a heavily blurred picture). */
  blur?: number
}

function prng (seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s / 4294967296
  }
}

/** Pictures already made in this process, by options: tests ask for the same few many times. */
const made = new Map<string, Promise<Buffer>>()

export async function photo (opts: PhotoOptions = {}): Promise<Buffer> {
  const key = JSON.stringify([opts.width ?? 640, opts.height ?? 480, opts.seed ?? 1, opts.format ?? 'jpeg', opts.quality ?? 88, opts.gain ?? 1, opts.blur ?? null])
  let bytes = made.get(key)
  if (bytes === undefined) {
    bytes = render(opts)
    made.set(key, bytes)
  }
  // A copy: a test may damage its picture.
  return Buffer.from(await bytes)
}

async function render (opts: PhotoOptions): Promise<Buffer> {
  const width = opts.width ?? 640
  const height = opts.height ?? 480
  const rand = prng(opts.seed ?? 1)
  const px = Buffer.alloc(width * height * 3)
  // A few ellipses ("face", "shoulders", background objects) placed and coloured by the seed, on a
  // gradient whose direction depends on the seed too, with stripes and fine noise for texture.
  const shapes = Array.from({ length: 4 }, (_, i) => ({
    cx: width * (0.15 + 0.7 * rand()),
    cy: height * (0.15 + 0.7 * rand()),
    r: Math.min(width, height) * (i === 0 ? 0.25 : 0.08 + 0.12 * rand()),
    add: [-40 + 80 * rand(), -40 + 80 * rand(), -40 + 80 * rand()]
  }))
  const base = [70 + 40 * rand(), 70 + 40 * rand(), 70 + 40 * rand()]
  const gx = 50 * (rand() - 0.5)
  const gy = 50 * (rand() - 0.5)
  const gain = opts.gain ?? 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = ((Math.floor(x / 23) + Math.floor(y / 31)) % 2) * 14
      let r0 = 0
      let g0 = 0
      let b0 = 0
      for (const s of shapes) {
        if ((x - s.cx) ** 2 + ((y - s.cy) * 0.8) ** 2 < s.r * s.r) { r0 = s.add[0] as number; g0 = s.add[1] as number; b0 = s.add[2] as number }
      }
      const add = [r0, g0, b0]
      for (let c = 0; c < 3; c++) {
        const g = (base[c] as number) + gx * (x / width) + gy * (y / height) + stripe + (add[c] as number) + 24 * (rand() - 0.5)
        px[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(g * gain)))
      }
    }
  }
  let img = sharp(px, { raw: { width, height, channels: 3 } })
  if (opts.blur !== undefined) img = img.blur(opts.blur)
  return (opts.format === 'png' ? img.png() : img.jpeg({ quality: opts.quality ?? 88 })).toBuffer()
}

/** A PNG whose header announces width x height, followed by a few bytes of nothing: a decompression bomb's header. */
export function giantPngHeader (width = 100_000, height = 100_000): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const ihdr = Buffer.alloc(25)
  ihdr.writeUInt32BE(13, 0)
  ihdr.write('IHDR', 4, 'latin1')
  ihdr.writeUInt32BE(width, 8)
  ihdr.writeUInt32BE(height, 12)
  ihdr[16] = 8 // bit depth
  ihdr[17] = 2 // colour type RGB
  return Buffer.concat([sig, ihdr, Buffer.alloc(64)])
}
