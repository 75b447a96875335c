/**
 * The `thumbnails` of an analytic service answer (vendor-notes §1.8): the server walks
 * `job.result` and, for every object stored under a key `bounding_box` (left, top, width, height as
 * fractions of the image), crops the FIRST input image into a square and encodes it as a PNG data URI.
 *
 * The square: its side is the larger of the box's width and height in pixels plus twice a padding;
 * the padding is 0.1% of the image width when the box is wider than tall, 0.1% of the image height
 * otherwise; the square is centred on the box's shorter side. Pixel values are truncated to integers
 * (Go's int conversion) and the rectangle is intersected with the image, as Go's SubImage does, so a
 * square that overflows an edge comes out cut.
 */
import type { Box, DecodedImage } from '../../core/images.js'

interface FractionBox { left: number, top: number, width: number, height: number }

function isBox (v: unknown): v is FractionBox {
  if (v === null || typeof v !== 'object') return false
  const b = v as Record<string, unknown>
  return ['left', 'top', 'width', 'height'].every((k) => typeof b[k] === 'number' && Number.isFinite(b[k]))
}

/** Every bounding_box under the value, in document order (keys in the order they are written: sorted). */
export function boundingBoxes (value: unknown, out: FractionBox[] = []): FractionBox[] {
  if (Array.isArray(value)) {
    for (const v of value) boundingBoxes(v, out)
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'bounding_box' && isBox(v)) out.push(v)
      else boundingBoxes(v, out)
    }
  }
  return out
}

/** The square crop rectangle of one box, in pixels, intersected with the image; undefined when empty. */
export function squareCrop (box: FractionBox, width: number, height: number): Box | undefined {
  const x = box.left * width
  const y = box.top * height
  const w = box.width * width
  const h = box.height * height
  let x0: number
  let y0: number
  let side: number
  if (w > h) {
    const pad = 0.001 * width
    side = w + 2 * pad
    x0 = x - pad
    y0 = y - (side - h) / 2
  } else {
    const pad = 0.001 * height
    side = h + 2 * pad
    y0 = y - pad
    x0 = x - (side - w) / 2
  }
  const left = Math.trunc(x0)
  const top = Math.trunc(y0)
  const s = Math.trunc(side)
  const x1 = Math.min(width, left + s)
  const y1 = Math.min(height, top + s)
  const cl = Math.max(0, left)
  const ct = Math.max(0, top)
  if (x1 <= cl || y1 <= ct) return undefined
  return { left: cl, top: ct, width: x1 - cl, height: y1 - ct }
}

/** The thumbnails of a job result: PNG data URIs of the first image's square crops. */
export async function thumbnails (result: unknown, first: DecodedImage | undefined): Promise<string[]> {
  const boxes = boundingBoxes(result)
  if (boxes.length === 0 || first === undefined) return []
  const out: string[] = []
  for (const b of boxes) {
    const rect = squareCrop(b, first.width, first.height)
    if (rect === undefined) continue
    const png = await first.crop(rect, 'png')
    out.push(`data:image/png;base64,${png.toString('base64')}`)
  }
  return out
}
