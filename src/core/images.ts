/**
 * Images, in one place for every vendor: base64 (with or without a data: prefix), multipart files or
 * raw bodies go in; the format is sniffed from the bytes (never trusted from a declared type); byte
 * and pixel limits are checked before decoding (a 100000x100000 PNG header is refused from its
 * header alone, so a decompression bomb never reaches the decoder); the image is decoded once into
 * raw pixels, and every measure (width, height, sharpness, brightness, bright spots, perceptual
 * hash) and every derived image (crop, thumbnail) is computed from those pixels, memoized.
 */
import { createHash } from 'node:crypto'
import sharp, { type Sharp } from 'sharp'
import { KindError } from './errors.js'

// Every image is new to the sandbox: libvips' operation cache would only hold memory.
sharp.cache(false)

export type ImageFormat = 'jpeg' | 'png'

export type ImageErrorKind =
  | 'empty' // no bytes at all
  | 'bad-base64' // text that is not base64
  | 'too-large' // more bytes than allowed
  | 'unsupported' // neither JPEG nor PNG
  | 'too-many-pixels' // width x height above the limit (read from the header)
  | 'corrupt' // JPEG/PNG whose data cannot be decoded (truncated, damaged)

export class ImageError extends KindError<ImageErrorKind> {}

export interface ImageLimits {
  /** Largest accepted size in bytes (after base64 decoding). */
  maxBytes?: number
  /** Largest accepted width x height. */
  maxPixels?: number
}

const DATA_URI = /^data:([a-z0-9.+/-]*)?(;[a-z0-9=.+-]*)*;base64,/i
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

export interface Base64Options {
  /**
   * Whether a `data:image/...;base64,` prefix is taken off (default true). False where a vendor
   * documents plain base64: a data URI is then not base64 (`bad-base64`), as the vendor refuses it.
   */
  dataUri?: boolean
}

/** The base64 text of an image, with or without a `data:image/...;base64,` prefix (see options), as bytes. */
export function decodeBase64 (text: string, options: Base64Options = {}): Buffer {
  let s = text
  const m = DATA_URI.exec(s)
  if (m !== null && options.dataUri === false) throw new ImageError('bad-base64', 'the image is a data: URI; plain base64 is expected (no data: prefix)')
  if (m !== null) s = s.slice(m[0].length)
  if (/\s/.test(s)) s = s.replace(/\s+/g, '')
  if (s.length === 0) throw new ImageError('empty', 'the image is empty')
  if (BASE64.test(s)) {
    if (s.length % 4 === 1) throw new ImageError('bad-base64', 'the image is not valid base64')
    return Buffer.from(s, 'base64')
  }
  if (BASE64URL.test(s)) return Buffer.from(s, 'base64url')
  throw new ImageError('bad-base64', 'the image is not valid base64')
}

export function sha256Hex (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** JPEG or PNG from the magic bytes, else undefined. */
export function sniffFormat (bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'png'
  return undefined
}

/** Width and height read from the header, without decoding; undefined if the header is unreadable. */
export function headerSize (bytes: Buffer, format: ImageFormat): { width: number, height: number } | undefined {
  if (format === 'png') {
    // 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4)
    if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
  }
  // JPEG: walk the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT/JPG/DAC)
  let i = 2
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined
    const marker = bytes[i + 1] as number
    if (marker === 0xff) { i++; continue }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue }
    const len = bytes.readUInt16BE(i + 2)
    if (len < 2) return undefined
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isSof) {
      if (i + 9 > bytes.length) return undefined
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) }
    }
    if (marker === 0xda || marker === 0xd9) return undefined // scan data before any frame header
    i += 2 + len
  }
  return undefined
}

export interface ImageStats {
  /** sharp's sharpness estimate (standard deviation of a Laplacian), on the greyscale image. */
  sharpness: number
  /** Mean of all channels, 0-255. */
  brightness: number
  /** Share of pixels whose grey level is at least 250 (bright spots, glare). */
  brightRatio: number
}

export interface Box { left: number, top: number, width: number, height: number }

/** A decoded image: its facts, and measures and derivatives computed from the one decoding. */
export class DecodedImage {
  private statsMemo: Promise<ImageStats> | undefined
  private hashMemo: Promise<string> | undefined
  private sha256Memo: string | undefined

  constructor (
    readonly bytes: Buffer,
    readonly format: ImageFormat,
    readonly width: number,
    readonly height: number,
    /** Raw sRGB pixels, 3 channels, row-major. */
    readonly pixels: Buffer
  ) {}

  get mimeType (): string {
    return this.format === 'jpeg' ? 'image/jpeg' : 'image/png'
  }

  get sha256 (): string {
    this.sha256Memo ??= sha256Hex(this.bytes)
    return this.sha256Memo
  }

  private raw (): Sharp {
    return sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 3 } })
  }

  stats (): Promise<ImageStats> {
    this.statsMemo ??= (async () => {
      const grey = this.raw().greyscale()
      const s = await grey.stats()
      const p = this.pixels
      let bright = 0
      let sum = 0
      for (let i = 0; i < p.length; i += 3) {
        const r = p[i] as number
        const g = p[i + 1] as number
        const b = p[i + 2] as number
        sum += r + g + b
        // ITU-R BT.601 luma, the same weights libvips uses for greyscale
        if (0.299 * r + 0.587 * g + 0.114 * b >= 250) bright++
      }
      const n = this.width * this.height
      return { sharpness: s.sharpness, brightness: sum / (3 * n), brightRatio: bright / n }
    })()
    return this.statsMemo
  }

  /** A 64-bit difference hash (hex): equal images give equal hashes, similar ones close hashes. */
  perceptualHash (): Promise<string> {
    this.hashMemo ??= (async () => {
      const px = await this.raw().greyscale().resize(9, 8, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer()
      let bits = 0n
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          bits = (bits << 1n) | ((px[y * 9 + x] as number) > (px[y * 9 + x + 1] as number) ? 1n : 0n)
        }
      }
      return bits.toString(16).padStart(16, '0')
    })()
    return this.hashMemo
  }

  /** The box clamped to the image, in whole pixels (at least 1x1). */
  clamp (box: Box): Box {
    const left = Math.min(Math.max(0, Math.round(box.left)), this.width - 1)
    const top = Math.min(Math.max(0, Math.round(box.top)), this.height - 1)
    const width = Math.max(1, Math.min(Math.round(box.width), this.width - left))
    const height = Math.max(1, Math.min(Math.round(box.height), this.height - top))
    return { left, top, width, height }
  }

  /** A crop of the image, encoded as JPEG or PNG. */
  crop (box: Box, format: ImageFormat = 'jpeg'): Promise<Buffer> {
    const img = this.raw().extract(this.clamp(box))
    return (format === 'jpeg' ? img.jpeg({ quality: 90 }) : img.png()).toBuffer()
  }

  /** The whole image scaled to fit in size x size, encoded as JPEG or PNG. */
  thumbnail (size: number, format: ImageFormat = 'jpeg'): Promise<Buffer> {
    const img = this.raw().resize(size, size, { fit: 'inside', withoutEnlargement: true })
    return (format === 'jpeg' ? img.jpeg({ quality: 85 }) : img.png()).toBuffer()
  }
}

/** Hamming distance of two perceptual hashes, as a share of the 64 bits (0 = same, 1 = opposite). */
export function hashDistance (a: string, b: string): number {
  let x = BigInt('0x' + a) ^ BigInt('0x' + b)
  let n = 0
  while (x > 0n) { n += Number(x & 1n); x >>= 1n }
  return n / 64
}

export const DEFAULT_MAX_PIXELS = 64_000_000

/** The checks made before any decoding: empty, byte size, format (magic bytes), pixel count from the header. */
function precheck (bytes: Buffer, limits: ImageLimits): { format: ImageFormat, maxPixels: number, size: { width: number, height: number } } {
  if (bytes.length === 0) throw new ImageError('empty', 'the image is empty')
  if (limits.maxBytes !== undefined && bytes.length > limits.maxBytes) {
    throw new ImageError('too-large', `the image has ${bytes.length} bytes; at most ${limits.maxBytes} are accepted`)
  }
  const format = sniffFormat(bytes)
  if (format === undefined) throw new ImageError('unsupported', 'the image is neither JPEG nor PNG')
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS
  const size = headerSize(bytes, format)
  if (size === undefined) throw new ImageError('corrupt', `the ${format.toUpperCase()} header cannot be read`)
  if (size.width === 0 || size.height === 0) throw new ImageError('corrupt', 'the image has no pixels')
  if (size.width * size.height > maxPixels) {
    throw new ImageError('too-many-pixels', `the image is ${size.width}x${size.height}; at most ${maxPixels} pixels are accepted`)
  }
  return { format, maxPixels, size }
}

function corrupt (format: ImageFormat, err: unknown): ImageError {
  return new ImageError('corrupt', `the ${format.toUpperCase()} data cannot be decoded (${(err as Error).message.split('\n')[0] ?? ''})`)
}

/**
 * Check and decode into full-resolution pixels (for measures, crops, thumbnails). Order: empty,
 * byte size, format, pixel count from the header, then the decoding itself (truncated or damaged
 * data fail here).
 */
export async function decodeImage (bytes: Buffer, limits: ImageLimits = {}): Promise<DecodedImage> {
  const { format, maxPixels } = precheck(bytes, limits)
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate() // apply EXIF orientation, as a camera app shows the photo
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`)
    return new DecodedImage(bytes, format, info.width, info.height, data)
  } catch (err) {
    throw corrupt(format, err)
  }
}

/** An image known to decode, without its full-resolution pixels. */
export interface VerifiedImage {
  bytes: Buffer
  format: ImageFormat
  width: number
  height: number
  sha256: string
}

/**
 * Check that the image decodes (every byte of it: a truncated or damaged image fails), for vendors
 * that need no pixels. JPEGs are decoded at a reduced scale (libjpeg's DCT scaling), which reads the
 * whole stream but skips most of the pixel work.
 */
export async function verifyImage (bytes: Buffer, limits: ImageLimits = {}): Promise<VerifiedImage> {
  const { format, maxPixels, size } = precheck(bytes, limits)
  try {
    await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .resize(64, 64, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer()
    return { bytes, format, width: size.width, height: size.height, sha256: sha256Hex(bytes) }
  } catch (err) {
    throw corrupt(format, err)
  }
}

/**
 * Per-request image decoding: the same bytes (the same Buffer) are decoded at most once, whatever
 * number of vendor functions ask for them.
 */
export class ImageDecoder {
  private readonly memo = new WeakMap<Buffer, Promise<DecodedImage>>()
  private readonly verified = new WeakMap<Buffer, Promise<VerifiedImage>>()
  constructor (private readonly defaults: ImageLimits) {}

  /** Check that the bytes are a whole JPEG/PNG within the limits, without keeping pixels (see verifyImage). */
  verify (bytes: Buffer, limits: ImageLimits = {}): Promise<VerifiedImage> {
    const decoded = this.memo.get(bytes)
    if (decoded !== undefined) return decoded
    let p = this.verified.get(bytes)
    if (p === undefined) {
      p = verifyImage(bytes, { ...this.defaults, ...limits })
      this.verified.set(bytes, p)
    }
    return p
  }

  /**
   * Decode without keeping the result for other readers of the same buffer: for callers that decode
   * many images in one request (1:N comparisons, archive frames) and release each one's pixels as
   * soon as they are done with it.
   */
  decodeTransient (bytes: Buffer, limits: ImageLimits = {}): Promise<DecodedImage> {
    return decodeImage(bytes, { ...this.defaults, ...limits })
  }

  decode (bytes: Buffer, limits: ImageLimits = {}): Promise<DecodedImage> {
    let p = this.memo.get(bytes)
    if (p === undefined) {
      p = decodeImage(bytes, { ...this.defaults, ...limits })
      this.memo.set(bytes, p)
    }
    return p
  }
}
