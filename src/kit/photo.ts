/**
 * testPhoto: a picture that passes the vendors' real checks (size, brightness, glare, sharpness,
 * contrast), so that a test exercises the success path without committing binary files. It is not
 * a face: the sandbox decides faces by scenario, not by looking. The same options give the same bytes;
 * different seeds give different pictures (different people, as the vendors' generated data sees them).
 */
export interface TestPhotoOptions {
  /** Default 1. */
  seed?: number
  /** Default 640 x 480, the smallest FPT accepts for OCR. */
  width?: number
  height?: number
  /** Default 'jpeg'. */
  format?: 'jpeg' | 'png'
}

function xorshift (seed: number): () => number {
  let s = (Math.imul(seed, 2654435761) >>> 0) || 1
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s / 4294967296
  }
}

/**
 * Raw RGB: a seeded colour gradient, an ellipse ("head") and a few blobs, a checker of soft
 * stripes and fine noise. The stripes and noise give a sharpness in the range of camera pictures;
 * channel values stay between about 40 and 200, so no glare and a mid brightness.
 */
function pixels (width: number, height: number, rand: () => number): Buffer {
  const px = Buffer.alloc(width * height * 3)
  const base = [80 + 40 * rand(), 80 + 40 * rand(), 80 + 40 * rand()]
  const blobs = Array.from({ length: 4 }, (_, i) => ({
    x: width * (0.2 + 0.6 * rand()),
    y: height * (0.2 + 0.6 * rand()),
    r: Math.min(width, height) * (i === 0 ? 0.28 : 0.07 + 0.1 * rand()),
    tint: [60 * rand() - 30, 60 * rand() - 30, 60 * rand() - 30]
  }))
  const slope = [40 * (rand() - 0.5), 40 * (rand() - 0.5)]
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = ((Math.floor(x / 19) + Math.floor(y / 27)) % 2) * 16
      let tint = [0, 0, 0]
      for (const b of blobs) if ((x - b.x) ** 2 + ((y - b.y) * 0.8) ** 2 < b.r * b.r) tint = b.tint
      for (let c = 0; c < 3; c++) {
        const v = (base[c] as number) + (slope[0] as number) * (x / width) + (slope[1] as number) * (y / height) + stripe + (tint[c] as number) + 24 * (rand() - 0.5)
        px[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)))
      }
    }
  }
  return px
}

/** A JPEG (or PNG) picture, made with sharp (a dependency of the sandbox). */
export async function testPhoto (options: TestPhotoOptions = {}): Promise<Buffer> {
  const { seed = 1, width = 640, height = 480, format = 'jpeg' } = options
  for (const [k, v] of Object.entries({ seed, width, height })) {
    if (!Number.isInteger(v) || v < (k === 'seed' ? 0 : 16) || v > 8192) throw new RangeError(`testPhoto: option ${k}: expected an integer ${k === 'seed' ? '0' : '16'}-8192, got ${JSON.stringify(v)}`)
  }
  if (format !== 'jpeg' && format !== 'png') throw new TypeError(`testPhoto: option format: expected "jpeg" or "png", got ${JSON.stringify(format)}`)
  const { default: sharp } = await import('sharp')
  const img = sharp(pixels(width, height, xorshift(seed + 1)), { raw: { width, height, channels: 3 } })
  return await (format === 'png' ? img.png() : img.jpeg({ quality: 88 })).toBuffer()
}
