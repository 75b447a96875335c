/**
 * Request and response shapes of the Riset.ai Liveness API (vendor-docs/riset-liveness.md) and of its
 * AuthTenant token endpoints (vendor-notes.md §4), named as the vendor names them; the settings; the
 * scenario outcome vocabulary.
 */
import { z } from 'zod'
import { catalogueResponses, jsonResponse, readByHandler, type JsonResponse } from '../../core/schemas.js'
import { catalogue, documentedCodes } from './errors.js'

export const settingsSchema = z.object({
  max_images: z.number().int().min(1).max(32).default(9)
    .describe('most images (and face_parameters) in one request; more is 400. The document states no maximum and lists nine face parameters: by default one image per parameter (nine) is accepted'),
  max_image_bytes: z.number().int().min(1024).max(8 * 1024 * 1024).default(4 * 1024 * 1024)
    .describe('largest image after base64 decoding; larger is 493 (image error)'),
  max_image_pixels: z.number().int().min(1).max(64_000_000).default(16_000_000)
    .describe('largest width x height of an image, read from its header before decoding; larger is 493'),
  max_field_chars: z.number().int().min(1).max(10_000).default(120)
    .describe('longest trx_id, user_id and facegallery_id (the vendor documents 120); longer is 400'),
  pose_threshold_deg: z.number().min(1).max(60).default(15)
    .describe('a head counts as turned left/right when |yaw| >= this, up/down when |pitch| >= this; front when both are below'),
  spoof_threshold: z.number().min(0.01).max(0.99).default(0.5)
    .describe('spoof is "spoof" when spoof_score >= this, else "real"'),
  verification_threshold: z.number().min(0).max(1).default(0.75)
    .describe('verified is true when similarity >= this (the vendor\'s face-api.md: 0.75)'),
  token_lifetime_seconds: z.number().int().min(0).default(0)
    .describe('lifetime of an issued Accesstoken; 0: never expires (the vendor documents no expiry)')
}).strict()

export type RisetSettings = z.output<typeof settingsSchema>

/** The face parameters in both spellings (document, `* face_parameters`; later "face left" ...: ruling). */
export const FACE_PARAMETERS = ['left', 'right', 'up', 'down', 'front', 'eyes open', 'eyes closed', 'mouth open', 'mouth closed'] as const
export type FaceParameter = (typeof FACE_PARAMETERS)[number]
export const FACE_PARAMETER_SPELLINGS: Readonly<Record<string, FaceParameter>> = {
  ...Object.fromEntries(FACE_PARAMETERS.map((p) => [p, p])),
  'face left': 'left',
  'face right': 'right',
  'face up': 'up',
  'face down': 'down',
  'face front': 'front'
}

export const AccesstokenHeader = z.object({
  accesstoken: z.string().describe('The oauth Accesstoken from POST /oauth/client/token, raw (no "Bearer"). Missing, revoked or refused: status 401.')
})

/** trx_id, user_id and facegallery_id: at most `max_field_chars` (120, vendor-notes §4), checked by the handler. */
const field = (description: string): z.ZodString => z.string().describe(`${description}; at most 120 characters`)

/**
 * The body of POST /liveness-api/verify-face-liveness (document, "Body"). Read and checked by the
 * handler, in the vendor's order, so that a null image gets 451 and not a generic 400.
 */
export const VerifyFaceLivenessRequest = readByHandler(z.object({
  facegallery_id: field('Unique FaceGallery identifier, optional but recommended (paired with user_id)').optional(),
  user_id: field('Unique User/Face identifier, optional but recommended (paired with facegallery_id)').optional(),
  trx_id: field('Unique transaction identifier, for transaction logging and debugging').min(1),
  spoof_detection: z.boolean().default(true).describe('Whether to do spoof detection (default true); without it the spoof fields are left out'),
  success_threshold: z.number().int().min(0).optional().describe('Minimal number of images that must pass (match, and real when spoof_detection is on); default: all images'),
  face_parameters: z.array(z.enum(Object.keys(FACE_PARAMETER_SPELLINGS) as [string, ...string[]])).min(1)
    .describe('One requested parameter per image, in the order of images; same number as images'),
  images: z.array(z.string().min(1)).min(1).describe('Base64 encoded JPG or PNG images, plain (a data: URI is 490); same number as face_parameters')
}).meta({ id: 'RisetVerifyFaceLivenessRequest' }))

export const EYE_STATES = ['open', 'closed'] as const

/** One image's result (document, `results.image_n`); spoof fields only when spoof_detection is on. */
export const ImageResult = z.object({
  match: z.boolean().describe('The image matches its requested parameter'),
  verified: z.boolean().describe('The face is considered verified (similarity >= 0.75)'),
  similarity: z.number().min(0).max(1).describe('Face similarity score'),
  masker: z.boolean().describe('The face wears a mask'),
  spoof: z.enum(['spoof', 'real']).optional().describe('"spoof" or "real"; only with spoof_detection'),
  spoof_score: z.number().min(0).max(1).optional().describe('Spoof detection score (how likely a spoof); only with spoof_detection'),
  roll: z.number().describe('Predicted face roll, degrees'),
  pitch: z.number().describe('Predicted face pitch, degrees (positive: up)'),
  yaw: z.number().describe('Predicted face yaw, degrees (positive: left, as in the vendor\'s examples)'),
  left_eye: z.enum(EYE_STATES),
  left_eye_score: z.number().min(0).max(1),
  right_eye: z.enum(EYE_STATES),
  right_eye_score: z.number().min(0).max(1),
  mouth: z.enum(EYE_STATES),
  mouth_score: z.number().min(0).max(1)
}).meta({ id: 'RisetImageResult' })

export type ImageResultBody = z.output<typeof ImageResult>

export const VerifyFaceLivenessSuccess = z.object({
  status: z.literal('200'),
  status_message: z.literal('Success'),
  liveness: z.enum(['passed', 'failed']).describe('"passed" when at least success_threshold images pass'),
  results: z.record(z.string().regex(/^image[1-9][0-9]*$/), ImageResult).describe('image1..imageN, in request order')
}).meta({ id: 'RisetVerifyFaceLivenessSuccess' })

export const RisetError = z.object({
  status: z.enum(catalogue.codes as [string, ...string[]]).describe('The status code, as a string; the HTTP status is the same'),
  status_message: z.string().describe('The meaning of the status code (list of status codes)')
}).meta({ id: 'RisetError' })

/** A JSON response with its description in the vendor's words (the OpenAPI response's description). */
export { jsonResponse as answer }

/**
 * Every error status a route can answer (scenarios may choose any code of the vendor's table), each
 * described in the vendor's words: the code and its meaning in the list of status codes.
 */
export function errorResponses (): Record<number, JsonResponse<typeof RisetError>> {
  return catalogueResponses(catalogue.entries, documentedCodes, RisetError)
}

export const ClientCredentials = z.object({
  client_id: z.string().min(1).max(256).describe('Your client id'),
  password: z.string().min(1).max(256).describe('Your password')
}).meta({ id: 'RisetClientCredentials', description: 'x-www-form-urlencoded (JSON tolerated)' })

export const AccessTokenResponse = z.object({
  access_token: z.string().describe('A new Accesstoken, issued on every call')
}).meta({ id: 'RisetAccessToken' })

export const RevokeResponse = z.object({
  status_message: z.literal('Success Revoke Token')
}).meta({ id: 'RisetRevokeToken' })

const unit = z.number().min(0).max(1)
const angle = z.number().min(-180).max(180)

/** Per-image overrides of a scenario; what is not given is generated to agree with the rest. */
export const ImageOverride = z.object({
  match: z.boolean().optional().describe('false: the image shows another pose than requested (its attributes are generated to disagree); true: it agrees'),
  spoof: z.enum(['spoof', 'real']).optional().describe('the spoof verdict; without spoof_score, a score on its side of spoof_threshold is generated'),
  spoof_score: unit.optional(),
  verified: z.boolean().optional().describe('without similarity, a similarity on its side of verification_threshold is generated'),
  similarity: unit.optional(),
  masker: z.boolean().optional(),
  roll: angle.optional(),
  pitch: angle.optional(),
  yaw: angle.optional(),
  left_eye: z.enum(EYE_STATES).optional(),
  left_eye_score: unit.optional(),
  right_eye: z.enum(EYE_STATES).optional(),
  right_eye_score: unit.optional(),
  mouth: z.enum(EYE_STATES).optional(),
  mouth_score: unit.optional()
}).strict()

export type ImageOverrideSpec = z.output<typeof ImageOverride>

/** Scenario outcomes in the vendor's vocabulary: a status code, or per-image results and the verdict. */
export const outcomeSchema = z.object({
  error: z.enum(documentedCodes).optional()
    .describe('answer this status code of the list (HTTP status the same)'),
  images: z.record(z.string().regex(/^(\*|[1-9][0-9]*)$/, 'an image number (1 = image1) or "*" for every image'), ImageOverride).optional()
    .describe('per-image overrides: "2": { spoof: spoof } makes image2 a spoof; "*" applies to every image, a number wins over "*"'),
  liveness: z.enum(['passed', 'failed']).optional().describe('force the verdict instead of counting against success_threshold')
}).strict().refine((o) => o.error === undefined || (o.images === undefined && o.liveness === undefined), 'an error outcome has no images or liveness')

export type RisetOutcome = z.output<typeof outcomeSchema>
