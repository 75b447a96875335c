/**
 * The document image checks of /ocr (fpt-ekyc.vi.md, Step 2, "Lỗi file đầu vào" and "Lỗi liên quan
 * tới chất lượng ảnh"), on an image that decoded: something to read at all (3), then quality in
 * the ruling's order: QC01 resolution, QC04 luminance, QC02 bright spots, QC03 blur (a too dark or
 * too bright image cannot be judged for blur). Thresholds are settings (schemas.ts, quality).
 */
import type { DecodedImage } from '../../core/images.js'
import type { FptSettings } from './schemas.js'

export type QualityCode = '3' | 'QC01' | 'QC04' | 'QC02' | 'QC03'

/** The first problem of the image, or undefined when the engine can read it. */
export async function qualityProblem (image: DecodedImage, q: FptSettings['quality']): Promise<QualityCode | undefined> {
  if (greyDeviation(image) < q.min_contrast) return '3'
  if (image.width < q.min_width || image.height < q.min_height) return 'QC01'
  const s = await image.stats()
  if (s.brightness < q.min_brightness || s.brightness > q.max_brightness) return 'QC04'
  if (s.brightRatio > q.max_bright_ratio) return 'QC02'
  if (s.sharpness < q.min_sharpness) return 'QC03'
  return undefined
}

const deviations = new WeakMap<DecodedImage, number>()

/** Standard deviation of the grey level (BT.601 luma): about 0 for a flat picture, 10-60 for a photo. */
export function greyDeviation (image: DecodedImage): number {
  let v = deviations.get(image)
  if (v === undefined) {
    const p = image.pixels
    let sum = 0
    let sq = 0
    for (let i = 0; i < p.length; i += 3) {
      const l = 0.299 * (p[i] as number) + 0.587 * (p[i + 1] as number) + 0.114 * (p[i + 2] as number)
      sum += l
      sq += l * l
    }
    const n = p.length / 3
    v = Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2))
    deviations.set(image, v)
  }
  return v
}
