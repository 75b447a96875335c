/**
 * POST /liveness-api/verify-face-liveness (riset-liveness.md; vendor-notes §4 and the Riset ruling).
 *
 * Real checks, in this order (after the Accesstoken, checked in onRequest): the body is a JSON object
 * (400) → `images` present and without null or empty entries (451) → field types, known
 * face_parameters in either spelling, trx_id (400) → field lengths (400) → as many images as
 * face_parameters (400) → at most max_images (400) → each image in order: base64 (490, or 451 when it
 * holds no bytes), size (493), JPG/PNG (491), pixels and decoding (493). Then the scenario's outcome,
 * then the per-image results and the verdict.
 */
import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { decodeBase64, ImageError, type ImageErrorKind } from '../../core/images.js'
import type { VendorContext } from '../../core/vendor.js'
import { refuse, type RisetCode } from './errors.js'
import { analyse, passes, thresholdsOf } from './face.js'
import {
  FACE_PARAMETER_SPELLINGS,
  VerifyFaceLivenessRequest,
  type ImageResultBody,
  type RisetOutcome,
  type RisetSettings
} from './schemas.js'

type Ctx = VendorContext<RisetSettings>

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

/** Which status an image problem gets (list of status codes: 451, 490, 491, 493). */
const IMAGE_CODES: Record<ImageErrorKind, RisetCode> = {
  empty: '451',
  'bad-base64': '490',
  'too-large': '493',
  unsupported: '491',
  'too-many-pixels': '493',
  corrupt: '493'
}

/** Check that image k (1-based) decodes and return its sha256: the emulation needs no pixels. */
async function checkImage (ctx: Ctx, text: string, k: number): Promise<string> {
  try {
    const bytes = decodeBase64(text)
    const image = await ctx.core.images.verify(bytes, { maxBytes: ctx.settings.max_image_bytes, maxPixels: ctx.settings.max_image_pixels })
    return image.sha256
  } catch (err) {
    if (err instanceof ImageError) throw refuse(IMAGE_CODES[err.kind], `images[${k - 1}] (image${k}): ${err.message}`)
    throw err
  }
}

export async function verifyFaceLiveness (ctx: Ctx, request: FastifyRequest): Promise<VerifyFaceLivenessBody> {
  const raw = request.body
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw refuse('400', 'the body must be a JSON object')
  const body: Record<string, unknown> = { ...(raw as Record<string, unknown>) }

  const images = body.images
  if (images === undefined || images === null || (Array.isArray(images) && images.length === 0)) throw refuse('451', 'images is missing, null or empty')
  if (Array.isArray(images)) {
    const k = images.findIndex((v) => v === null || v === '')
    if (k >= 0) throw refuse('451', `images[${k}] (image${k + 1}) is null or empty`)
  }

  for (const key of NULLABLE) if (body[key] === null) delete body[key]
  const parsed = VerifyFaceLivenessRequest.safeParse(body)
  if (!parsed.success) throw refuse('400', issuesOf(parsed.error))
  const req = parsed.data

  const max = ctx.settings.max_field_chars
  for (const key of ['trx_id', 'user_id', 'facegallery_id'] as const) {
    const v = req[key]
    if (v !== undefined && v.length > max) throw refuse('400', `${key} has ${v.length} characters; at most ${max} are accepted`)
  }
  if (req.images.length !== req.face_parameters.length) {
    // Document, "Body": "number of images must be the same as face_parameters".
    throw refuse('400', `${req.images.length} images but ${req.face_parameters.length} face_parameters; the numbers must be the same`)
  }
  if (req.images.length > ctx.settings.max_images) throw refuse('400', `${req.images.length} images; at most ${ctx.settings.max_images} are accepted (max_images)`)

  // One at a time, so that at most one decoded image is held in memory, and the first bad one answers.
  const hashes: string[] = []
  for (let k = 1; k <= req.images.length; k++) hashes.push(await checkImage(ctx, req.images[k - 1] as string, k))

  const { outcome } = ctx.decide<RisetOutcome>(request)
  if (outcome?.error !== undefined) throw refuse(outcome.error, 'chosen by the scenario')

  const t = thresholdsOf(ctx.settings)
  const overrides = outcome?.images ?? {}
  const results: Record<string, ImageResultBody> = {}
  let passed = 0
  hashes.forEach((sha256, i) => {
    const spelling = req.face_parameters[i] as string
    const result = analyse(ctx.core.random, t, {
      sha256,
      param: FACE_PARAMETER_SPELLINGS[spelling] ?? 'front',
      spoofDetection: req.spoof_detection,
      override: { ...overrides['*'], ...overrides[String(i + 1)] }
    })
    if (passes(result)) passed++
    results[`image${i + 1}`] = result
  })
  // Ruling: "failed" when fewer images pass than success_threshold (default: all images); a threshold
  // above the number of images can never be met.
  const threshold = req.success_threshold ?? req.images.length
  return {
    status: '200',
    status_message: 'Success',
    liveness: outcome?.liveness ?? (passed >= threshold ? 'passed' : 'failed'),
    results
  }
}
