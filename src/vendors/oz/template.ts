/**
 * The sandbox's biometric template: a versioned binary format carrying a perceptual signature of the
 * image, so that templates can be stored by the client and compared later, exactly like the real
 * processor's opaque templates (oz-api-lite.md, extract / compare). Layout (big-endian), documented
 * in README.md, "Biometric templates":
 *
 *   0   4  magic "OZBT"
 *   4   1  format version (1)
 *   5   1  signature kind (1: 256-bit difference hash + 16x16 grey thumbnail)
 *   6   2  image width  (clamped to 65535)
 *   8   2  image height (clamped to 65535)
 *  10   2  reserved, 0
 *  12  32  difference hash: 16 rows of 16 bits, bit set when a cell of a 17x16 grey grid is
 *          brighter than its right neighbour
 *  44 256  16x16 greyscale thumbnail, row-major
 * 300   4  CRC-32 of bytes 0..299
 *      304 bytes in all
 *
 * Both grids are area averages of the BT.601 luma, computed in one pass over the image's sample
 * (core's decoding keeps the picture scaled to at most 768 pixels a side; the picture itself when it
 * fits), taken on a lattice above 250,000 pixels. Width and height are the original's. The same
 * image always gives the same bytes (README, "Biometric templates", on pictures larger than 768).
 * Anything else (wrong length, magic, version, kind, reserved bytes or checksum; empty or zero-filled
 * data) is not a template: BPE-002004.
 */
import { crc32 } from 'node:zlib'
import type { DecodedImage, Sample } from '../../core/images.js'

export const TEMPLATE_MAGIC = Buffer.from('OZBT', 'latin1')
export const TEMPLATE_VERSION = 1
export const SIGNATURE_KIND = 1
export const TEMPLATE_BYTES = 304
const GRID = 16
const HASH_AT = 12
const HASH_BYTES = GRID * GRID / 8
const GREY_AT = HASH_AT + HASH_BYTES
const CRC_AT = GREY_AT + GRID * GRID

export interface Template {
  width: number
  height: number
  /** GRID x GRID bits, packed. */
  dhash: Buffer
  /** GRID x GRID grey levels. */
  grey: Buffer
  /** The signature (hash + thumbnail) as hex, for seeding and equality. */
  signature: string
  bytes: Buffer
}

/** Pixels averaged per template at most: larger images are sampled on a regular lattice (every s-th pixel both ways). */
const MAX_SAMPLES = 250_000

/** The sampled columns: each one's cell in the wide (17) and the thumbnail (16) grid, and each cell's sample count. */
interface Columns { colW: Uint8Array, colT: Uint8Array, countW: Float64Array, countT: Float64Array }

const WIDE = GRID + 1

function columnsOf (width: number, step: number): Columns {
  const c: Columns = { colW: new Uint8Array(width), colT: new Uint8Array(width), countW: new Float64Array(WIDE), countT: new Float64Array(GRID) }
  for (let x = 0; x < width; x += step) {
    const cw = Math.min(WIDE - 1, Math.floor(x * WIDE / width))
    const ct = Math.min(GRID - 1, Math.floor(x * GRID / width))
    c.colW[x] = cw
    c.colT[x] = ct
    c.countW[cw] = (c.countW[cw] as number) + 1
    c.countT[ct] = (c.countT[ct] as number) + 1
  }
  return c
}

/** Luma sums per cell of both grids, and the sampled rows per grid row: one pass, row accumulators. */
function sums (sample: Sample, step: number, cols: Columns): { wide: Float64Array, thumb: Float64Array, countRow: Float64Array } {
  const { width, height, pixels } = sample
  const countRow = new Float64Array(GRID)
  const wide = new Float64Array(WIDE * GRID)
  const thumb = new Float64Array(GRID * GRID)
  const accW = new Float64Array(WIDE)
  const accT = new Float64Array(GRID)
  for (let y = 0; y < height; y += step) {
    accW.fill(0)
    accT.fill(0)
    const base = y * width * 3
    for (let x = 0; x < width; x += step) {
      const i = base + x * 3
      const l = 77 * (pixels[i] as number) + 150 * (pixels[i + 1] as number) + 29 * (pixels[i + 2] as number)
      const cw = cols.colW[x] as number
      const ct = cols.colT[x] as number
      accW[cw] = (accW[cw] as number) + l
      accT[ct] = (accT[ct] as number) + l
    }
    const row = Math.min(GRID - 1, Math.floor(y * GRID / height))
    countRow[row] = (countRow[row] as number) + 1
    for (let c = 0; c < WIDE; c++) wide[row * WIDE + c] = (wide[row * WIDE + c] as number) + (accW[c] as number)
    for (let c = 0; c < GRID; c++) thumb[row * GRID + c] = (thumb[row * GRID + c] as number) + (accT[c] as number)
  }
  return { wide, thumb, countRow }
}

/** Sums to mean grey levels (0-255); a cell no sample fell in takes its left, else upper, neighbour's level. */
function normalise (sums: Float64Array, cols: number, counts: Float64Array, countRow: Float64Array): void {
  for (let c = 0; c < sums.length; c++) {
    const x = c % cols
    const y = Math.floor(c / cols)
    const n = (counts[x] as number) * (countRow[y] as number)
    if (n > 0) sums[c] = (sums[c] as number) / n / 256
    else if (x > 0) sums[c] = sums[c - 1] as number
    else sums[c] = y > 0 ? (sums[c - cols] as number) : 0
  }
}

/**
 * Area averages of the luma (BT.601, 8-bit fixed point) over two grids at once: 17x16 for the
 * difference hash and 16x16 for the thumbnail. One pass over the (sampled) pixels, integer
 * arithmetic and two additions into row accumulators per pixel. A cell no sample falls in (an image
 * narrower or lower than the grid) takes its left, else upper, neighbour's level.
 */
function grids (sample: Sample): { wide: Float64Array, thumb: Float64Array } {
  const { width, height } = sample
  const step = width * height > MAX_SAMPLES ? Math.ceil(Math.sqrt(width * height / MAX_SAMPLES)) : 1
  const cols = columnsOf(width, step)
  const { wide, thumb, countRow } = sums(sample, step, cols)
  normalise(wide, WIDE, cols.countW, countRow)
  normalise(thumb, GRID, cols.countT, countRow)
  return { wide, thumb }
}

/** The template of a decoded image (computed once for identical bytes). */
export function extractTemplate (image: DecodedImage): Template {
  return image.derive(`oz.template.v${TEMPLATE_VERSION}.${SIGNATURE_KIND}`, build)
}

function build (image: DecodedImage): Template {
  const { wide, thumb } = grids(image.sample)
  const bytes = Buffer.alloc(TEMPLATE_BYTES)
  TEMPLATE_MAGIC.copy(bytes, 0)
  bytes.writeUInt8(TEMPLATE_VERSION, 4)
  bytes.writeUInt8(SIGNATURE_KIND, 5)
  bytes.writeUInt16BE(Math.min(image.width, 0xffff), 6)
  bytes.writeUInt16BE(Math.min(image.height, 0xffff), 8)
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const k = y * GRID + x
      if ((wide[y * (GRID + 1) + x] as number) > (wide[y * (GRID + 1) + x + 1] as number)) bytes[HASH_AT + (k >> 3)] = (bytes[HASH_AT + (k >> 3)] as number) | (0x80 >> (k & 7))
      bytes[GREY_AT + k] = Math.round(thumb[k] as number)
    }
  }
  bytes.writeUInt32BE(crc32(bytes.subarray(0, CRC_AT)) >>> 0, CRC_AT)
  return parseTemplate(bytes) as Template
}

/** The template in these bytes, or undefined when they are not one. */
export function parseTemplate (bytes: Buffer): Template | undefined {
  if (bytes.length !== TEMPLATE_BYTES) return undefined
  if (!bytes.subarray(0, 4).equals(TEMPLATE_MAGIC)) return undefined
  if (bytes.readUInt8(4) !== TEMPLATE_VERSION || bytes.readUInt8(5) !== SIGNATURE_KIND || bytes.readUInt16BE(10) !== 0) return undefined
  if ((crc32(bytes.subarray(0, CRC_AT)) >>> 0) !== bytes.readUInt32BE(CRC_AT)) return undefined
  return {
    width: bytes.readUInt16BE(6),
    height: bytes.readUInt16BE(8),
    dhash: bytes.subarray(HASH_AT, GREY_AT),
    grey: bytes.subarray(GREY_AT, CRC_AT),
    signature: bytes.toString('hex', HASH_AT, CRC_AT),
    bytes
  }
}

function popcount (b: number): number {
  let n = 0
  for (let v = b; v > 0; v >>= 1) n += v & 1
  return n
}

/**
 * Similarity by perceptual distance ("content" mode): 1 for the same signature; a re-encoded or
 * slightly edited photo stays above 0.85; unrelated pictures fall well below. Half from the
 * difference hash (the share of bits that differ, half of them being unrelated), half from the mean
 * grey difference of the thumbnails (a quarter of the range being unrelated).
 */
export function contentScore (a: Template, b: Template): number {
  if (a.signature === b.signature) return 1
  let bits = 0
  for (let i = 0; i < HASH_BYTES; i++) bits += popcount((a.dhash[i] as number) ^ (b.dhash[i] as number))
  let diff = 0
  for (let i = 0; i < GRID * GRID; i++) diff += Math.abs((a.grey[i] as number) - (b.grey[i] as number))
  const hash = bits / (GRID * GRID)
  const grey = diff / (GRID * GRID * 255)
  const distance = 0.5 * Math.min(1, hash / 0.5) + 0.5 * Math.min(1, grey / 0.25)
  return round(Math.max(0, 1 - distance), 4)
}

export function round (x: number, decimals: number): number {
  const f = 10 ** decimals
  return Math.round(x * f) / f
}
