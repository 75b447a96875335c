/**
 * The request bodies of the image targets: deterministic textured JPEGs (gradients, a checker of
 * 16-pixel cells, chroma offsets and noise; a flat picture would compress to a few KB and decode
 * unrealistically fast), their multipart wrapping, and the Riset JSON body that is over its limit.
 */
import sharp from 'sharp'

function texture (width: number, height: number, noise: number): Buffer {
  const px = Buffer.alloc(width * height * 3)
  let s = 12345
  for (let i = 0; i < px.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const p = (i / 3) | 0
    const x = p % width
    const y = (p / width) | 0
    px[i] = (x / 4 + y / 5 + ((x >> 4) ^ (y >> 4)) * 9 + (i % 3) * 40 + ((s >>> 16) % noise)) & 0xff
  }
  return px
}

async function encode (px: Buffer, width: number, height: number, quality: number): Promise<Buffer> {
  return await sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer()
}

/** The JPEG quality (10..98) whose width x height picture is nearest to targetBytes, by bisection. */
async function nearestQuality (width: number, height: number, targetBytes: number, noise: number): Promise<{ quality: number, jpeg: Buffer }> {
  const px = texture(width, height, noise)
  let lo = 10
  let hi = 98
  let best = { quality: hi, jpeg: await encode(px, width, height, hi) }
  while (lo <= hi) {
    const q = (lo + hi) >> 1
    const jpeg = await encode(px, width, height, q)
    if (Math.abs(jpeg.length - targetBytes) < Math.abs(best.jpeg.length - targetBytes)) best = { quality: q, jpeg }
    if (jpeg.length < targetBytes) lo = q + 1
    else hi = q - 1
  }
  return best
}

/**
 * A width x height JPEG of about targetBytes. A large one takes its quality from a quarter-area
 * picture of the same texture (the size grows with the area), to encode 8 MP once instead of 8 times.
 */
export async function texturedJpeg (width: number, height: number, targetBytes: number, noise: number): Promise<Buffer> {
  if (width * height <= 2_000_000) return (await nearestQuality(width, height, targetBytes, noise)).jpeg
  const { quality } = await nearestQuality(width >> 1, height >> 1, targetBytes / 4, noise)
  return await encode(texture(width, height, noise), width, height, quality)
}

/** The ~98 KB 960x1280 selfie of target C. */
export const selfieJpeg = async (): Promise<Buffer> => await texturedJpeg(960, 1280, 98_000, 24)

/** The ~5 MB 2448x3264 (8 MP) photo of the upload load. */
export const largeJpeg = async (): Promise<Buffer> => await texturedJpeg(2448, 3264, 5_000_000, 128)

export function multipart (field: string, file: Buffer, filename: string): { body: Buffer, type: string } {
  const boundary = '----ekyc-bench-0123456789'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  return { body, type: `multipart/form-data; boundary=${boundary}` }
}

/** A Riset verify-face-liveness JSON body made of copies of `jpeg` in base64, larger than `limit`. */
export function oversizeRisetBody (jpeg: Buffer, limit: number): Buffer {
  const b64 = jpeg.toString('base64')
  const count = Math.ceil((limit + 1024 * 1024) / b64.length)
  const images = Array.from({ length: count }, () => b64)
  const params = Array.from({ length: count }, () => 'front')
  return Buffer.from(JSON.stringify({ trx_id: 'bench-oversize', face_parameters: params, images }))
}
