/**
 * A decoded image. Decoding keeps a **sample** of the picture, never its full-resolution pixels: the
 * image (EXIF orientation applied) scaled by libvips to fit inside SAMPLE_SIZE x SAMPLE_SIZE, never
 * enlarged, JPEGs shrinking on load. Every measure (sharpness, brightness, bright spots, grey-level
 * deviation, perceptual hash) is computed from the sample; an image that fits inside is its own
 * sample, so its measures are those of its full pixels. Width and height are the original's. Crops
 * and thumbnails, which need the full resolution, are made by libvips from the original bytes, when
 * asked for.
 *
 * Why 768: sharp's sharpness (the deviation of a Laplacian) depends on the scale it is measured at;
 * at full size it is mostly pixel-level detail (a 1-pixel blur, invisible on a 12 MP photo, takes it
 * from 2.0 to 0.42).
 * On a sample of at most 768 pixels a side, generated photos of every size from 640x480 to 12 MP
 * measure 1.1-2.0 and a heavy blur 0.09-0.16, so one threshold holds for every size (measurements:
 * the FPT README, "Divergences and guesses"). A picture up to 768 px is measured exactly as before.
 */
import type { Sharp } from 'sharp'
import { loadedSharp, loadSharp } from './sharp.js'

export type ImageFormat = 'jpeg' | 'png'

/** The longest side of the sample measures are computed from. */
export const SAMPLE_SIZE = 768

/** Raw sRGB pixels, 3 channels, row-major. */
export interface Sample { width: number, height: number, pixels: Buffer }

export interface ImageStats {
  /** sharp's sharpness estimate (standard deviation of a Laplacian of the greyscale sample). */
  sharpness: number
  /** Mean of all channels, 0-255. */
  brightness: number
  /** Share of pixels whose grey level (BT.601 luma) is at least 250 (bright spots, glare). */
  brightRatio: number
  /** Standard deviation of the grey level (BT.601 luma): about 0 for a flat picture, 10-60 for a photo. */
  greyDeviation: number
}

export interface Box { left: number, top: number, width: number, height: number }

/** What decoding one image's bytes gave: shared by every DecodedImage of identical bytes (images.ts caches it). */
export class Decoding {
  statsMemo: Promise<ImageStats> | undefined
  hashMemo: Promise<string> | undefined
  readonly derived = new Map<string, unknown>()

  constructor (
    readonly format: ImageFormat,
    readonly width: number,
    readonly height: number,
    readonly sample: Sample
  ) {}

  /** Memory held (the sample's pixels; the rest is small). */
  get byteSize (): number { return this.sample.pixels.length }
}

/**
 * Decode the bytes into a Decoding: the sample, and the original's size with its EXIF orientation
 * applied (from the header). The whole stream is read, so truncated or damaged data fail here
 * (libvips' warnings are errors); the pixel work happens in libvips' threads.
 */
export async function decodeSampled (bytes: Buffer, format: ImageFormat, maxPixels: number): Promise<Decoding> {
  const sharp = await loadSharp()
  const options = { limitInputPixels: maxPixels, failOn: 'warning' as const }
  const [meta, { data, info }] = await Promise.all([
    sharp(bytes, options).metadata(),
    sharp(bytes, options)
      .rotate() // apply EXIF orientation, as a camera app shows the photo
      .removeAlpha()
      .toColourspace('srgb')
      .resize(SAMPLE_SIZE, SAMPLE_SIZE, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true })
  ])
  if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`)
  return new Decoding(format, meta.autoOrient.width, meta.autoOrient.height, { width: info.width, height: info.height, pixels: data })
}

/** Brightness, bright-spot share and grey-level deviation: one pass over the sample. */
function pixelMeasures (p: Buffer): Omit<ImageStats, 'sharpness'> {
  let sum = 0
  let bright = 0
  let lumaSum = 0
  let lumaSq = 0
  for (let i = 0; i < p.length; i += 3) {
    const r = p[i] as number
    const g = p[i + 1] as number
    const b = p[i + 2] as number
    sum += r + g + b
    const l = 0.299 * r + 0.587 * g + 0.114 * b // ITU-R BT.601 luma
    if (l >= 250) bright++
    lumaSum += l
    lumaSq += l * l
  }
  const n = p.length / 3
  return { brightness: sum / (3 * n), brightRatio: bright / n, greyDeviation: Math.sqrt(Math.max(0, lumaSq / n - (lumaSum / n) ** 2)) }
}

/** A decoded image: the original's facts and bytes, measures from the sample, crops from the original. */
export class DecodedImage {
  constructor (
    readonly bytes: Buffer,
    readonly sha256: string,
    private readonly decoding: Decoding
  ) {}

  get format (): ImageFormat { return this.decoding.format }
  /** The original's width, EXIF orientation applied. */
  get width (): number { return this.decoding.width }
  /** The original's height, EXIF orientation applied. */
  get height (): number { return this.decoding.height }
  /** The pixels measures are computed from (see the module comment). */
  get sample (): Sample { return this.decoding.sample }

  get mimeType (): string {
    return this.format === 'jpeg' ? 'image/jpeg' : 'image/png'
  }

  private rawSample (): Sharp {
    const { width, height, pixels } = this.decoding.sample
    return loadedSharp()(pixels, { raw: { width, height, channels: 3 } })
  }

  stats (): Promise<ImageStats> {
    this.decoding.statsMemo ??= (async () => {
      const s = await this.rawSample().greyscale().stats()
      return { sharpness: s.sharpness, ...pixelMeasures(this.decoding.sample.pixels) }
    })()
    return this.decoding.statsMemo
  }

  /** A 64-bit difference hash (hex): equal images give equal hashes, similar ones close hashes. */
  perceptualHash (): Promise<string> {
    this.decoding.hashMemo ??= (async () => {
      const px = await this.rawSample().greyscale().resize(9, 8, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer()
      let bits = 0n
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          bits = (bits << 1n) | ((px[y * 9 + x] as number) > (px[y * 9 + x + 1] as number) ? 1n : 0n)
        }
      }
      return bits.toString(16).padStart(16, '0')
    })()
    return this.decoding.hashMemo
  }

  /**
   * A value computed from the image once for identical bytes (e.g. a vendor's template): `key`
   * names what is computed, and must say everything that the value depends on besides the image.
   */
  derive<T> (key: string, compute: (image: DecodedImage) => T): T {
    const derived = this.decoding.derived
    if (!derived.has(key)) derived.set(key, compute(this))
    return derived.get(key) as T
  }

  /** The box clamped to the image, in whole pixels (at least 1x1). */
  clamp (box: Box): Box {
    const left = Math.min(Math.max(0, Math.round(box.left)), this.width - 1)
    const top = Math.min(Math.max(0, Math.round(box.top)), this.height - 1)
    const width = Math.max(1, Math.min(Math.round(box.width), this.width - left))
    const height = Math.max(1, Math.min(Math.round(box.height), this.height - top))
    return { left, top, width, height }
  }

  /** The original at full resolution, as decoding saw it (oriented, no alpha, sRGB): libvips reads the bytes again. */
  private original (): Sharp {
    // The bytes decoded once already within the pixel limit; libvips' own default limit is not ours.
    return loadedSharp()(this.bytes, { limitInputPixels: false }).rotate().removeAlpha().toColourspace('srgb')
  }

  /** A crop of the original at full resolution, encoded as JPEG or PNG. */
  async crop (box: Box, format: ImageFormat = 'jpeg'): Promise<Buffer> {
    const cut = this.original().extract(this.clamp(box))
    if (format === 'jpeg') return await cut.jpeg({ quality: 90 }).toBuffer()
    // Encoded straight from the source, a PNG would carry the source's resolution (a JPEG's 72 dpi)
    // in its pHYs chunk; encoded from the crop's own pixels it carries libvips' neutral 1 pixel/mm,
    // as crops always have: the same bytes as before for the same image.
    const { data, info } = await cut.raw().toBuffer({ resolveWithObject: true })
    return await loadedSharp()(data, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toBuffer()
  }

  /** The whole image scaled to fit in size x size, encoded as JPEG or PNG. */
  thumbnail (size: number, format: ImageFormat = 'jpeg'): Promise<Buffer> {
    const img = this.original().resize(size, size, { fit: 'inside', withoutEnlargement: true })
    return (format === 'jpeg' ? img.jpeg({ quality: 85 }) : img.png()).toBuffer()
  }
}
