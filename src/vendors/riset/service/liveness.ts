/**
 * POST /liveness-api/verify-face-liveness (riset-liveness.md; vendor-notes §4 and the Riset ruling).
 *
 * Real checks, in this order (after the Accesstoken, checked before the body is read): the body is a
 * JSON object (400) → `images` present and without null or empty entries (451) → field types, known
 * face_parameters in either spelling, trx_id (400) → field lengths (400) → as many images as
 * face_parameters (400) → at most max_images (400) → each image in order: plain base64 (490, also
 * for a data: URI; 451 when it holds no bytes), size (493), JPG/PNG (491), pixels and decoding
 * (493): core's image failures, answered through the failure table (errors.ts). Then the scenario's
 * outcome, then the per-image results and the verdict.
 */
import type { z } from 'zod'
import { decodeBase64, ImageError } from '../../../core/images.js'
import { DigestedBinary, isBase64Payload } from '../../../core/journal/summarise.js'
import type { Call } from '../../../core/vendor/call.js'
import { refuse } from '../errors.js'
import { analyse, passes, thresholdsOf } from '../face.js'
import {
  FACE_PARAMETER_SPELLINGS,
  VerifyFaceLivenessRequest,
  type ImageResultBody,
  type RisetOutcome,
  type RisetSettings
} from '../schemas.js'
import type { TokenStore } from '../store.js'

type RisetCall = Call<RisetSettings, TokenStore>

export type LivenessRequest = z.output<typeof VerifyFaceLivenessRequest>

export interface VerifyFaceLivenessBody {
  status: '200'
  status_message: 'Success'
  liveness: 'passed' | 'failed'
  results: Record<string, ImageResultBody>
}

/** Optional fields sent as null count as not sent (their defaults apply). */
const NULLABLE = ['facegallery_id', 'user_id', 'spoof_detection', 'success_threshold'] as const

function issuesOf (err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')
}

/** 451 "image is null" comes before every other check of the body (ruling). */
function checkImagesPresent (images: unknown): void {
  if (images === undefined || images === null || (Array.isArray(images) && images.length === 0)) throw refuse('451', 'images is missing, null or empty')
  if (Array.isArray(images)) {
    const k = images.findIndex((v) => v === null || v === '')
    if (k >= 0) throw refuse('451', `images[${k}] (image${k + 1}) is null or empty`)
  }
}

/** The JSON body as the vendor checks it, in its order (451, then 400), before any image is decoded. */
export function readRequest (raw: unknown, settings: RisetSettings): LivenessRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw refuse('400', 'the body must be a JSON object')
  const body: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
  checkImagesPresent(body.images)
  for (const key of NULLABLE) if (body[key] === null) delete body[key]
  const parsed = VerifyFaceLivenessRequest.safeParse(body)
  if (!parsed.success) throw refuse('400', issuesOf(parsed.error))
  const req = parsed.data

  const max = settings.max_field_chars
  for (const key of ['trx_id', 'user_id', 'facegallery_id'] as const) {
    const v = req[key]
    if (v !== undefined && v.length > max) throw refuse('400', `${key} has ${v.length} characters; at most ${max} are accepted`)
  }
  if (req.images.length !== req.face_parameters.length) {
    // Document, "Body": "number of images must be the same as face_parameters".
    throw refuse('400', `${req.images.length} images but ${req.face_parameters.length} face_parameters; the numbers must be the same`)
  }
  if (req.images.length > settings.max_images) throw refuse('400', `${req.images.length} images; at most ${settings.max_images} are accepted (max_images)`)
  return req
}

/** Check that image k (1-based) decodes and return its digest: the emulation needs no pixels. */
async function checkImage (call: RisetCall, text: string, k: number): Promise<DigestedBinary> {
  try {
    // Document, "Body": "List of Base64 encoded JPG or PNG image", with no prefix; vendor-notes, second
    // round: a data: URI does not decode → 490 (strict, so a client that sends one fails here too).
    const bytes = decodeBase64(text, { dataUri: false })
    const image = await call.images.verify(bytes, { maxBytes: call.settings.max_image_bytes, maxPixels: call.settings.max_image_pixels })
    return new DigestedBinary(bytes.length, image.sha256)
  } catch (err) {
    // The same failure, with a note naming the image (the failure table gives its code).
    if (err instanceof ImageError) throw new ImageError(err.kind, `images[${k - 1}] (image${k}): ${err.message}`)
    throw err
  }
}

/** The per-image results and the verdict, from the images' hashes and the scenario's outcome. */
export function results (call: RisetCall, req: LivenessRequest, hashes: readonly string[], outcome: RisetOutcome): VerifyFaceLivenessBody {
  const t = thresholdsOf(call.settings)
  const overrides = outcome.images ?? {}
  const out: Record<string, ImageResultBody> = {}
  let passed = 0
  hashes.forEach((sha256, i) => {
    const result = analyse(call.random, t, {
      sha256,
      param: FACE_PARAMETER_SPELLINGS[req.face_parameters[i] as string] ?? 'front',
      spoofDetection: req.spoof_detection,
      override: { ...overrides['*'], ...overrides[String(i + 1)] }
    })
    if (passes(result)) passed++
    out[`image${i + 1}`] = result
  })
  // Ruling: "failed" when fewer images pass than success_threshold (default: all images); a threshold
  // above the number of images can never be met.
  const threshold = req.success_threshold ?? req.images.length
  return { status: '200', status_message: 'Success', liveness: outcome.liveness ?? (passed >= threshold ? 'passed' : 'failed'), results: out }
}

/** The whole call: the body's checks, each image in order, the scenario, the results. */
export async function verifyFaceLiveness (call: RisetCall, body: unknown): Promise<VerifyFaceLivenessBody> {
  const req = readRequest(body, call.settings)
  // One at a time, so that at most one decoded image is held in memory, and the first bad one answers.
  const digests: DigestedBinary[] = []
  for (let k = 1; k <= req.images.length; k++) digests.push(await checkImage(call, req.images[k - 1] as string, k))
  // The journal shows the images by their digests, which are known now: no second decoding.
  call.recordBody({ ...(body as object), images: req.images.map((text, i) => isBase64Payload(text) ? digests[i] : text) })
  const hashes = digests.map((d) => d.sha256)
  const outcome = call.decideOrThrow<RisetOutcome>({ body, detail: { note: 'chosen by the scenario' } })
  return results(call, req, hashes, outcome)
}
