/**
 * Images, in one place for every vendor: base64 (with or without a data: prefix), multipart files or
 * raw bodies go in; the format is sniffed from the bytes (never trusted from a declared type); byte
 * and pixel limits are checked before decoding (a 100000x100000 PNG header is refused from its
 * header alone, so a decompression bomb never reaches the decoder); the image is decoded once, into
 * a bounded sample that every measure is computed from (image-decoded.ts), and crops are cut from
 * the original by libvips.
 *
 * Identical bytes give identical results, and clients (test suites above all) send the same images
 * again and again: what checking and decoding gave is remembered by sha256, within bounds
 * (verdicts: a few hundred entries; decoded samples: a byte budget), and concurrent requests with
 * the same bytes share one decoding.
 */
import { KindError } from './errors.js'
import { sha256Hex, sha256HexAsync } from './hash.js'
import { Lru } from './image-cache.js'
import { loadSharp } from './sharp.js'
import { DecodedImage, decodeSampled, type Decoding, type ImageFormat } from './image-decoded.js'

export { sha256Hex }
export { DecodedImage, SAMPLE_SIZE, type Box, type ImageFormat, type ImageStats, type Sample } from './image-decoded.js'

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

/**
 * Plain base64 (the alphabet, `=` padding at the end only) decoded, else undefined. The fast path for
 * the usual case, without a regular expression over megabytes of text (~40 ms for a 5 MB image):
 * Node's decoder skips every character outside the alphabet, so with a length that is not 1 more
 * than a multiple of 4, the decoded size is exactly 3/4 of the unpadded length only when none was
 * skipped. It also reads base64url's `-` and `_`, looked for separately.
 */
function plainBase64 (s: string): Buffer | undefined {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  const body = s.length - pad
  if (body === 0 || body % 4 === 1 || s.length % 4 === 1) return undefined
  const eq = s.indexOf('=')
  if ((eq !== -1 && eq < body) || s.includes('-') || s.includes('_')) return undefined
  const bytes = Buffer.from(s, 'base64')
  return bytes.length === Math.floor(body * 3 / 4) ? bytes : undefined
}

/** The base64 text of an image, with or without a `data:image/...;base64,` prefix (see options), as bytes. */
export function decodeBase64 (text: string, options: Base64Options = {}): Buffer {
  let s = text
  const m = DATA_URI.exec(s)
  if (m !== null && options.dataUri === false) throw new ImageError('bad-base64', 'the image is a data: URI; plain base64 is expected (no data: prefix)')
  if (m !== null) s = s.slice(m[0].length)
  const plain = plainBase64(s)
  if (plain !== undefined) return plain
  if (/\s/.test(s)) s = s.replace(/\s+/g, '')
  if (s.length === 0) throw new ImageError('empty', 'the image is empty')
  if (BASE64.test(s)) {
    if (s.length % 4 === 1) throw new ImageError('bad-base64', 'the image is not valid base64')
    return Buffer.from(s, 'base64')
  }
  if (BASE64URL.test(s)) return Buffer.from(s, 'base64url')
  throw new ImageError('bad-base64', 'the image is not valid base64')
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

// What checking gave, by sha256 and pixel limit: undefined when unknown, null when the image
// decodes, else the message of its `corrupt` error.
const verdicts = new Lru<string, string | null>(512)
// Decoded samples (768 px a side: at most 1.8 MB each), within 32 MB.
const decodings = new Lru<string, Decoding>(256, 32 * 1024 * 1024, (d) => d.byteSize)
const checking = new Map<string, Promise<void>>()
const decoding = new Map<string, Promise<Decoding>>()

/** Forget every remembered result (tests that count decodings). */
export function clearImageCache (): void {
  verdicts.clear()
  decodings.clear()
}

/** One run of `work` per key at a time: concurrent requests with identical bytes share it. */
async function shared<T> (inFlight: Map<string, Promise<T>>, key: string, work: () => Promise<T>): Promise<T> {
  let p = inFlight.get(key)
  if (p === undefined) {
    p = work().finally(() => inFlight.delete(key))
    inFlight.set(key, p)
  }
  return await p
}

/** Run the decoding work; a failure is the format's `corrupt` error, and either verdict is remembered. */
async function judged<T> (key: string, format: ImageFormat, work: () => Promise<T>): Promise<T> {
  const known = verdicts.get(key)
  if (typeof known === 'string') throw new ImageError('corrupt', known)
  try {
    const result = await work()
    verdicts.set(key, null)
    return result
  } catch (err) {
    const refused = corrupt(format, err)
    verdicts.set(key, refused.message)
    throw refused
  }
}

/**
 * Check and decode (see image-decoded.ts: a bounded sample, the original's size). Order: empty,
 * byte size, format, pixel count from the header, then the decoding itself (truncated or damaged
 * data fail here).
 */
export async function decodeImage (bytes: Buffer, limits: ImageLimits = {}): Promise<DecodedImage> {
  const { format, maxPixels } = precheck(bytes, limits)
  const sha256 = await sha256HexAsync(bytes)
  const key = `${sha256}/${maxPixels}`
  let d = decodings.get(key)
  if (d === undefined) {
    d = await shared(decoding, key, async () => await judged(key, format, async () => {
      const fresh = await decodeSampled(bytes, format, maxPixels)
      decodings.set(key, fresh)
      return fresh
    }))
  }
  return new DecodedImage(bytes, sha256, d)
}

/** An image known to decode, without its pixels. */
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
 * whole stream but skips most of the pixel work. Width and height are the header's.
 */
export async function verifyImage (bytes: Buffer, limits: ImageLimits = {}): Promise<VerifiedImage> {
  const { format, maxPixels, size } = precheck(bytes, limits)
  const sha256 = await sha256HexAsync(bytes)
  const key = `${sha256}/${maxPixels}`
  if (verdicts.get(key) !== null) {
    await shared(checking, key, async () => await judged(key, format, async () => {
      const sharp = await loadSharp()
      await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
        .resize(64, 64, { fit: 'inside', withoutEnlargement: true })
        .raw()
        .toBuffer()
    }))
  }
  return { bytes, format, width: size.width, height: size.height, sha256 }
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
   * many images in one request (1:N comparisons, archive frames) and release each one as soon as
   * they are done with it (only the bounded cache of samples may keep it).
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
