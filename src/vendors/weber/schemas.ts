/**
 * Settings, scenario outcomes, and the request and response shapes of the Weber backend, named as
 * weber.md names them. Request bodies are read by the Go-style binder (gojson.ts), not by Fastify:
 * they are documented here and wrapped in readByHandler.
 */
import { z } from 'zod'
import { readByHandler } from '../../core/schemas.js'
import type { Call } from '../../core/vendor/call.js'
import { scenarioCodes } from './errors.js'
import { CAR_DAMAGE_LEVELS, FACE_ATTRIBUTES, FACE_PARTS } from './innovations.js'
import { SERVICE_TYPES } from './offerings.js'
import type { WeberStore } from './store.js'

export const ANALYTIC_SLUGS = ['ocr-ktp', 'license-plate-recognition', 'people-density', 'face-match-enrollment', 'face-mask', 'face-demography'] as const
/** The Nodeflux calls Weber makes: the six analytic services, and the ones behind its solutions. */
export const NODEFLUX_CALLS = [...ANALYTIC_SLUGS, 'face-liveness', 'face-match', 'create-face-enrollment'] as const
export const INNOVATION_SLUGS = ['ocr-receipt', 'car-damage', 'face-occlusion-attribute'] as const
export type NodefluxCall = (typeof NODEFLUX_CALLS)[number]
export type InnovationSlug = (typeof INNOVATION_SLUGS)[number]

export const settingsSchema = z.object({
  session_expiration_days: z.number().int().min(1).max(3650).default(1)
    .describe('SESSION_EXPIRATION: a visitor session lasts this many days; max_age = days x 86400 (vendor-notes §1.3)'),
  check_limit: z.boolean().default(true)
    .describe('serve POST /api/v1/face-payment/check-limit as documented; false answers 404 page not found, as the real server at HEAD (vendor-notes §1.1)'),
  activation_message: z.enum(['document', 'code']).default('document')
    .describe('PATCH /face-payment/account success text: "document" = "Account activation and wallet creation has been successful" (weber.md), "code" = "Account activated successfully" (the real code, §1.7.2)'),
  wallet_balance: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1_000_000)
    .describe('balance of a new wallet and of a reset (the database default, 1,000,000)'),
  liveness_threshold: z.number().min(0).max(1).default(0.6)
    .describe('Nodeflux face-liveness: live when liveness >= this; additional_params.liveness_threshold overrides it per request (vendor-notes §1.10)'),
  similarity_threshold: z.number().min(0).max(1).default(0.7)
    .describe('Nodeflux face-match: match when similarity >= this'),
  face_payment_match: z.enum(['enrolled', 'perceptual']).default('enrolled')
    .describe('pay: "enrolled" matches any face once the phone has an enrolled face (the default outcome succeeds); "perceptual" compares the picture with the enrolled one'),
  perceptual_max_distance: z.number().min(0).max(1).default(0.25)
    .describe('with face_payment_match "perceptual": the largest perceptual-hash distance (0-1) still a match'),
  face_id: z.string().min(1).max(255).default('233202122718184')
    .describe('FACE_ID: the enrolled face the face-match-enrollment analytic service compares with (the env default)'),
  max_image_bytes: z.number().int().min(1).max(64 * 1024 * 1024).default(1024 * 1024)
    .describe('largest image the emulated Nodeflux analytics accept (Nodeflux documents 1 MB per image); larger ones fail the analytic'),
  max_images: z.number().int().min(1).max(100).default(10)
    .describe('most images one analytic call accepts; more fail the analytic'),
  innovations_url: z.string().min(1).max(255).default('https://innovations.nodeflux.io')
    .describe('URL_INNOVATIONS, only used in the text of innovation upstream errors ({url} in scenarios)')
}).strict()

export type WeberSettings = z.output<typeof settingsSchema>

const OcrOverride = z.object({
  agama: z.string(),
  alamat: z.string(),
  berlaku_hingga: z.string(),
  golongan_darah: z.string(),
  jenis_kelamin: z.string(),
  kabupaten_kota: z.string(),
  kecamatan: z.string(),
  kelurahan_desa: z.string(),
  kewarganegaraan: z.string(),
  nama: z.string(),
  nik: z.string(),
  pekerjaan: z.string(),
  provinsi: z.string(),
  rt_rw: z.string(),
  status_perkawinan: z.string(),
  tanggal_lahir: z.string(),
  tempat_lahir: z.string()
}).partial().strict()

/** Scenario outcomes in the vendor's vocabulary (README, "Outcome vocabulary"). */
export const outcomeSchema = z.object({
  error: z.enum(scenarioCodes).optional()
    .describe("answer this catalogue entry (e.g. wrong-pin, balance-not-enough, session-expired) instead of the vendor's analysis"),
  upstream_error: z.string().min(1).max(2000).optional()
    .describe('the Nodeflux or innovation call fails: HTTP 500 {"message": <this text>, "ok": false}; {url} is replaced by the called URL'),
  upstream_analytic: z.enum([...NODEFLUX_CALLS, ...INNOVATION_SLUGS, 'face-detection']).optional()
    .describe('which call upstream_error hits (eKYC makes three, face payment two); default: the first call'),
  liveness: z.boolean().optional().describe('face-liveness verdict (eKYC, passive liveness, face payment)'),
  liveness_score: z.number().min(0).max(1).optional().describe('face-liveness score; without liveness the verdict follows the threshold'),
  match: z.boolean().optional().describe('face match verdict (eKYC face_match, face-match-enrollment service, pay)'),
  similarity: z.number().min(0).max(1).optional().describe('face match similarity; without match the verdict follows the threshold'),
  job_status: z.string().min(1).max(64).optional()
    .describe('the Nodeflux job ends in this status instead of "success" (e.g. "processing" after the 10 polls): empty result'),
  message: z.string().max(500).optional().describe('the Nodeflux message in service_data (e.g. for a job_status)'),
  detections: z.number().int().min(0).max(20).optional()
    .describe('number of plates / people / faces the analytic finds (each with a bounding box and a thumbnail)'),
  ocr: OcrOverride.optional().describe('OCR KTP fields to answer instead of the generated ones'),
  face_detection: z.enum(['no-face', 'multiple-faces']).optional()
    .describe('face-occlusion-attribute: the face-detection step finds no face or several: HTTP 400'),
  face_occlusion: z.array(z.enum(FACE_PARTS)).max(FACE_PARTS.length).optional()
    .describe('face-occlusion-attribute (service 11): the face parts found covered (occlusion true), e.g. Nose, Mouth, Chin for a mask'),
  face_attributes: z.array(z.enum(FACE_ATTRIBUTES)).max(FACE_ATTRIBUTES.length).optional()
    .describe('face-occlusion-attribute (service 11): what the face wears; mask, sunglasses, helm and cap cover it, eyeglasses are additional info'),
  car_damage: z.union([z.enum(CAR_DAMAGE_LEVELS), z.array(z.enum(CAR_DAMAGE_LEVELS)).min(1).max(10)]).optional()
    .describe('car-damage (service 10): none, minor, moderate or severe for every side, or a list for each image in order (front, left, right, rear)'),
  receipt: z.enum(['unreadable']).optional()
    .describe('ocr-receipt (service 9): the receipt cannot be read: a failed job (ok false, no result) whose message the page shows')
}).strict()

export type WeberOutcome = z.output<typeof outcomeSchema>

/** What a Weber service gets for one request (core/vendor/call.ts). */
export type WeberCall = Call<WeberSettings, WeberStore>

// ---- responses ------------------------------------------------------------------------------

export const WeberMessage = z.object({
  message: z.string(),
  ok: z.boolean()
}).meta({ id: 'WeberMessage', description: 'The envelope of every answer; ok false on errors. Top-level keys are sorted (Go map).' })

export const WeberError = z.object({
  message: z.string(),
  ok: z.literal(false)
}).meta({ id: 'WeberError' })

export const WeberService = z.object({
  id: z.number().int(),
  type: z.enum(SERVICE_TYPES),
  slug: z.string(),
  name: z.string(),
  short_description: z.string(),
  long_description: z.string(),
  special_instruction: z.string(),
  thumbnail: z.string(),
  created_at: z.string().describe('RFC 3339, microseconds, +07:00'),
  updated_at: z.string()
}).meta({ id: 'WeberService' })

export const ServicesResponse = z.object({
  data: z.array(WeberService),
  message: z.string(),
  ok: z.literal(true)
}).meta({ id: 'WeberServices' })

export const ServiceResponse = z.object({
  data: WeberService,
  message: z.string(),
  ok: z.literal(true)
}).meta({ id: 'WeberServiceBySlug' })

export const NodefluxJob = z.object({
  job: z.object({
    id: z.string(),
    result: z.object({
      analytic_type: z.string(),
      result: z.array(z.record(z.string(), z.unknown())),
      status: z.string()
    }).describe('keys sorted at every level (a Go map)')
  }),
  message: z.string(),
  ok: z.boolean()
}).meta({ id: 'WeberNodefluxJob', description: 'A Nodeflux Cloud job answer, passed through' })

export const AnalyticResponse = z.object({
  message: z.literal('Service demo request success'),
  ok: z.literal(true),
  service_data: NodefluxJob,
  thumbnails: z.array(z.string()).describe('PNG data URIs: square crops of the first image at each bounding_box of the result')
}).meta({ id: 'WeberAnalyticResponse' })

export const FaceOcclusionAttribute = z.object({
  face_occlusion: NodefluxJob.describe('result[0]: {"face_occlusion": {detections, inference_time_seconds, occlusion}}'),
  face_attribute: NodefluxJob.describe('result[0]: {"face_attribute": {additional_info_object, attribute_detected, occlusion_object}}')
}).meta({ id: 'WeberFaceOcclusionAttribute', description: 'face-occlusion-attribute (service 11): the two innovation jobs run on the detected face' })

export const InnovationResponse = z.object({
  message: z.literal('Service demo request success'),
  ok: z.literal(true),
  service_data: z.union([NodefluxJob, FaceOcclusionAttribute])
    .describe('the innovation job, decoded by Weber into a Nodeflux job envelope (no thumbnails): result[0] is {"ocr_receipt": ...} (service 9) ' +
      'or {"car_damage_assessment": [...], "total_score", "recommendation"} (service 10); service 11 answers two envelopes')
}).meta({ id: 'WeberInnovationResponse' })

export const EkycResponse = z.object({
  message: z.literal('Service demo request success'),
  ok: z.literal(true),
  service_data: z.object({ face_liveness: NodefluxJob, ocr_ktp: NodefluxJob, face_match: NodefluxJob })
}).meta({ id: 'WeberEkycResponse' })

export const PassiveLivenessResponse = z.object({
  message: z.literal('Service demo request success'),
  ok: z.literal(true),
  service_data: NodefluxJob
}).meta({ id: 'WeberPassiveLivenessResponse' })

export const VisitorResponse = z.object({
  data: z.array(z.object({ max_age: z.number().int(), session_id: z.string() })),
  message: z.string(),
  ok: z.literal(true)
}).meta({ id: 'WeberVisitorCreated' })

export const AccountResponse = z.object({
  data: z.object({
    full_name: z.string(),
    phone: z.string(),
    minimum_payment: z.number().int(),
    have_twin: z.boolean(),
    balance: z.number().int()
  }),
  message: z.string(),
  ok: z.literal(true)
}).meta({ id: 'WeberFacePaymentAccount' })

export const CheckLimitResponse = z.object({
  data: z.array(z.object({ balance: z.number().int(), full_name: z.string(), have_twin: z.boolean(), is_limit: z.boolean() })),
  message: z.string(),
  ok: z.literal(true)
}).meta({ id: 'WeberCheckLimit' })

// ---- requests (documentation; bound by gojson.ts) ----------------------------------------------

const images = z.array(z.string()).describe('images as data URIs (data:image/jpeg;base64,...)')

export const VisitorRequest = readByHandler(z.object({
  email: z.string().describe('required, an email address; @yopmail.com is refused'),
  full_name: z.string().describe('required, 2-255 characters'),
  company: z.string().describe('required, 2-255 characters'),
  job_title: z.string().describe('required, 2-255 characters'),
  industry: z.string().describe('required, 2-255 characters'),
  company_size: z.string().optional().describe('accepted, optional')
}).meta({ id: 'WeberVisitorRequest' }))

export const ActivityRequest = readByHandler(z.object({
  service_id: z.number().int(),
  session_id: z.string(),
  completeness: z.number().int()
}).meta({ id: 'WeberActivityRequest' }))

export const FeedbackRequest = readByHandler(z.object({
  session_id: z.string(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(255).describe('required when rating <= 3')
}).meta({ id: 'WeberFeedbackRequest' }))

export const ServiceRequest = readByHandler(z.object({
  session_id: z.string(),
  data: z.object({ additional_params: z.record(z.string(), z.unknown()).optional(), images })
}).meta({ id: 'WeberServiceRequest' }))

export const EkycRequest = readByHandler(z.object({
  session_id: z.string(),
  data: z.object({
    face_liveness: z.object({ images }).describe('[selfie]'),
    ocr_ktp: z.object({ images }).describe('[KTP]'),
    face_match: z.object({ images }).describe('[selfie, KTP]')
  })
}).meta({ id: 'WeberEkycRequest' }))

export const AccountRequest = readByHandler(z.object({
  session_id: z.string(),
  full_name: z.string().describe('validate: required, 2-255 characters'),
  phone: z.string().describe('validate: required, numeric, unique among active accounts'),
  have_twin: z.boolean(),
  data: z.object({ images }).optional().describe('present with images: create the account; absent or empty: validate only')
}).meta({ id: 'WeberFacePaymentAccountRequest' }))

export const ActivationRequest = readByHandler(z.object({
  session_id: z.string(),
  pin: z.string().describe('6 digits'),
  minimum_payment: z.number().int().min(50000).max(1000000)
}).meta({ id: 'WeberActivationRequest' }))

export const CheckLimitRequest = readByHandler(z.object({
  session_id: z.string(),
  phone: z.string(),
  amount: z.number().int()
}).meta({ id: 'WeberCheckLimitRequest' }))

export const PayRequest = readByHandler(z.object({
  session_id: z.string(),
  phone: z.string(),
  pin: z.string().describe('required when amount >= minimum_payment or have_twin'),
  amount: z.number().int(),
  data: z.object({ images })
}).meta({ id: 'WeberPayRequest' }))

export const PassiveLivenessRequest = ServiceRequest

// ---- params and query -----------------------------------------------------------------------

/** GET /api/v1/services/:slug and POST /api/v1/services/:id of the real router: one segment, read by method. */
export const ServiceParams = z.object({
  id: z.string().describe('GET: the service\'s slug (e.g. car-damage); POST: the service\'s id, an unsigned 32-bit integer (e.g. 10)')
})
export const ServiceIdParams = z.object({ service_id: z.string().describe('service id (integer)') })
export const SessionParams = z.object({ session_id: z.string() })
export const TypeQuery = z.object({
  type: z.union([z.string(), z.array(z.string())]).optional()
    .describe('analytic, solution, innovation or solution-partner; anything else, empty included: 400')
})
