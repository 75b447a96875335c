/**
 * The document image checks of /ocr (fpt-ekyc.vi.md, Step 2, "Lỗi file đầu vào" and "Lỗi liên quan
 * tới chất lượng ảnh"), on an image that decoded: something to read at all (3), then quality in
 * the ruling's order: QC01 resolution, QC04 luminance, QC02 bright spots, QC03 blur (a too dark or
 * too bright image cannot be judged for blur). Thresholds are settings (schemas.ts, quality).
 */
import type { DecodedImage } from '../../core/images.js'
import type { FptSettings } from './schemas.js'

export type QualityCode = '3' | 'QC01' | 'QC04' | 'QC02' | 'QC03'

/**
 * The first problem of the image, or undefined when the engine can read it. Measures are core's, on
 * the image's sample (at most 768 px a side; README, "Divergences and guesses"); the resolution is
 * the original's.
 */
export async function qualityProblem (image: DecodedImage, q: FptSettings['quality']): Promise<QualityCode | undefined> {
  const s = await image.stats()
  if (s.greyDeviation < q.min_contrast) return '3'
  if (image.width < q.min_width || image.height < q.min_height) return 'QC01'
  if (s.brightness < q.min_brightness || s.brightness > q.max_brightness) return 'QC04'
  if (s.brightRatio > q.max_bright_ratio) return 'QC02'
  if (s.sharpness < q.min_sharpness) return 'QC03'
  return undefined
}
