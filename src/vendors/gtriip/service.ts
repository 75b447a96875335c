/**
 * POST /liveness/ behaviour, in the vendor's order (vendor-notes, Rulings: real checks first, then
 * the scenario's outcome): API key (001) → request format (004) → base64 decoding and image
 * decoding (002) → size (003) → outcome (default live, or the scenario's error / verdict / score).
 */
import type { FastifyRequest } from 'fastify'
import { decodeBase64, ImageError } from '../../core/images.js'
import { firstField, firstFile, readMultipart } from '../../core/multipart.js'
import type { VendorContext } from '../../core/vendor.js'
import { catalogue } from './errors.js'
import { ImageBytesField, type GtriipOutcome, type GtriipSettings } from './schemas.js'

type Ctx = VendorContext<GtriipSettings>

/** The selfie's bytes and where they came from, or a 004/002 error. */
async function selfieBytes (request: FastifyRequest): Promise<{ bytes: Buffer, body: unknown }> {
  if (request.isMultipart()) {
    const parts = await readMultipart(request)
    // The document accepts a file (`image`) or base64 (`image_bytes`); the file wins (ruling 18).
    const file = firstFile(parts, 'image')
    if (file !== undefined) return { bytes: file.data, body: parts.fields }
    const asFile = firstFile(parts, 'image_bytes')
    const text = asFile !== undefined ? asFile.data.toString('latin1') : firstField(parts, 'image_bytes')
    if (typeof text !== 'string' || text === '') throw catalogue.error('004')
    return { bytes: decode(text), body: parts.fields }
  }
  // URL-encoded form (the vendor's own notebook posts data={'image_bytes': ...}) or tolerated JSON.
  const parsed = ImageBytesField.safeParse(request.body)
  if (!parsed.success) throw catalogue.error('004')
  return { bytes: decode(parsed.data.image_bytes), body: request.body }
}

function decode (text: string): Buffer {
  try {
    return decodeBase64(text)
  } catch (err) {
    if (err instanceof ImageError) throw catalogue.error('002')
    throw err
  }
}

export async function liveness (ctx: Ctx, request: FastifyRequest): Promise<{ result: { liveness: boolean, score: number }, success: true }> {
  const { bytes, body } = await selfieBytes(request)
  if (bytes.length > ctx.settings.max_image_bytes) throw catalogue.error('003')
  let sha256: string
  try {
    // The emulated engine needs no pixels: a check that the whole image decodes is enough.
    sha256 = (await ctx.core.images.verify(bytes)).sha256
  } catch (err) {
    if (err instanceof ImageError) throw catalogue.error('002')
    throw err
  }

  const { outcome } = ctx.decide<GtriipOutcome>(request, { body })
  if (outcome?.error !== undefined) throw catalogue.error(outcome.error)

  const threshold = ctx.settings.liveness_threshold
  let score = outcome?.score
  if (score === undefined) {
    // Deterministic per image: live scores sit above the threshold, spoof scores below it.
    const u = ctx.core.random.unit('gtriip.liveness', sha256)
    score = outcome?.liveness === false ? threshold * (0.2 + 0.75 * u) : threshold + (1 - threshold) * (0.05 + 0.9 * u)
  }
  return { result: { liveness: outcome?.liveness ?? score >= threshold, score }, success: true }
}
