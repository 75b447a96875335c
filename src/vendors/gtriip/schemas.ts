/**
 * Request and response shapes of POST /liveness/, named as gtriip-liveness.md names them.
 */
import { z } from 'zod'
import { binary, bodyByMediaType, catalogueResponses, jsonResponse, type JsonResponse } from '../../core/schemas.js'
import { catalogue, type GtriipCode } from './errors.js'

export const settingsSchema = z.object({
  liveness_threshold: z.number().min(0).max(1).default(0.9)
    .describe('liveness is true when score >= this (the vendor runs 0.90; vendor-notes §2)'),
  max_image_bytes: z.number().int().min(1).max(64 * 1024 * 1024).default(10 * 1024 * 1024)
    .describe('largest image accepted; above it, error 003 (document: "a 10MB limit")')
}).strict()

export type GtriipSettings = z.output<typeof settingsSchema>

const imageBytes = z.string().describe('The selfie, base64-encoded (plain base64, no data: prefix).')

/**
 * The two ways of sending the selfie (document, "Request Fields"; ruling 16): a file `image` or base64
 * `image_bytes` in multipart (`image` wins when both are sent, ruling 18); `image_bytes` alone in a
 * URL-encoded form (the vendor's own notebook) or, tolerated, in JSON.
 */
export const LivenessRequest = bodyByMediaType({
  'multipart/form-data': z.object({
    image: binary('The selfie as a file. Wins when image_bytes is sent too.').optional(),
    image_bytes: imageBytes.optional()
  }).describe('Provide one of image or image_bytes'),
  'application/x-www-form-urlencoded': z.object({ image_bytes: imageBytes }),
  'application/json': z.object({ image_bytes: imageBytes })
})

/** What the handler accepts from a JSON or URL-encoded body. */
export const ImageBytesField = z.object({ image_bytes: z.string().min(1) })

export const LivenessHeaders = z.object({
  'x-api-key': z.string().describe('Your API key (vendor Readme: header x-api-key). Missing or wrong: error 001.')
})

export const LivenessResult = z.object({
  liveness: z.boolean().describe('Whether the face is from a live person (score >= threshold), not a printed or replay attack'),
  score: z.number().min(0).max(1).describe('Confidence, 0 to 1, that the face is real')
})

export const LivenessSuccess = z.object({
  result: LivenessResult,
  success: z.literal(true)
}).meta({ id: 'GtriipLivenessSuccess' })

export const LivenessFailure = z.object({
  success: z.literal(false),
  error_code: z.enum(catalogue.codes as [string, ...string[]]).describe('Zero-padded string, see the error table'),
  error_message: z.string()
}).meta({ id: 'GtriipError' })

/** Scenario outcomes in the vendor's vocabulary: an error code, or a liveness result. */
export const outcomeSchema = z.object({
  error: z.enum(catalogue.codes as [GtriipCode, ...GtriipCode[]]).optional().describe('answer this documented error code'),
  liveness: z.boolean().optional().describe('the verdict; without score, a score on the matching side of the threshold is generated'),
  score: z.number().min(0).max(1).optional().describe('the score; without liveness, the verdict follows the threshold')
}).strict().refine((o) => o.error === undefined || (o.liveness === undefined && o.score === undefined), 'an error outcome has no liveness or score')

export type GtriipOutcome = z.output<typeof outcomeSchema>

/**
 * The answers of POST /liveness/, each described in the document's words: the response fields for a
 * success, and for each HTTP status the error codes (with their messages) answered with it.
 */
export function livenessResponses (): Record<number, JsonResponse<z.ZodType>> {
  return {
    200: jsonResponse('Success: `result` holds `liveness` (whether the face is considered to be from a live person, not a printed or replay attack) and `score` (from 0 to 1, how confident the system is)', LivenessSuccess),
    ...catalogueResponses(catalogue.entries, catalogue.codes, LivenessFailure)
  }
}
