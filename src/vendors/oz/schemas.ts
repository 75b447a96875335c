/**
 * Settings, scenario outcomes, and request/response shapes of Oz API Lite, named as
 * oz-api-lite.md names them. Response schemas are documentation (openapi/oz.json) and, in tests,
 * every JSON response is checked against them.
 */
import { z } from 'zod'
import { binary, readByHandler } from '../../core/schemas.js'
import { catalogue, type OzCode } from './errors.js'

const MiB = 1024 * 1024

/** Largest body of any Oz route: a 64 MiB media in base64 transfer mode is 85.4 MiB. */
export const BODY_LIMIT = 96 * MiB

const DEFAULT_VERSION = {
  core: '1.2.3',
  tfss: '2.11.0',
  models: [
    { name: 'face_detector', version: '1.4.0' },
    { name: 'biometry', version: '3.2.1' },
    { name: 'liveness', version: '5.0.2' }
  ]
}

export const settingsSchema = z.object({
  approved_threshold: z.number().min(0).max(1).default(0.85)
    .describe('compare decision: approved when score >= this, else declined (vendor-notes, Oz rulings; Oz biometry threshold 0.85)'),
  operator_required_threshold: z.number().min(0).max(1).nullable().default(null)
    .describe('when set, scores in [this, approved_threshold) are operator_required instead of declined; off (null) by default'),
  compare_mode: z.enum(['default', 'content']).default('default')
    .describe('default: two different photos are approved with a high generated score; content: scored by the perceptual distance of the templates'),
  liveness_threshold: z.number().min(0).max(1).default(0.5)
    .describe('detect: the attack score above which the result is DECLINED (passed false); threshold_spoofing in analyses[].params overrides it per analysis'),
  max_sample_bytes: z.number().int().min(1024).max(32 * MiB).default(10 * MiB)
    .describe('largest image (sample) accepted, after base64 decoding; larger: BPE-002003 / LDE-002004'),
  max_media_bytes: z.number().int().min(1024).max(64 * MiB).default(32 * MiB)
    .describe('largest video or zip archive accepted by detect, after base64 decoding; larger: LDE-002004'),
  max_n: z.number().int().min(1).max(1000).default(100)
    .describe('most templates_n / samples_n parts of a 1:N call, and most media parts of detect'),
  max_archive_entries: z.number().int().min(1).max(1000).default(100)
    .describe('most images in a zip archive sent to detect'),
  max_payload_bytes: z.number().int().min(1024).max(16 * MiB).default(MiB)
    .describe('largest `payload` part of detect'),
  resolution_callback: z.boolean().default(true)
    .describe('POST the detect result to payload.resolution_endpoint after the response (allow-listed hosts only: callbacks.allow_hosts)'),
  version: z.object({
    core: z.string().min(1),
    tfss: z.string().min(1),
    models: z.array(z.object({ name: z.string().min(1), version: z.string().min(1) }).strict())
  }).strict().default(DEFAULT_VERSION).describe('what GET /version answers')
}).strict().refine((s) => s.operator_required_threshold === null || s.operator_required_threshold < s.approved_threshold,
  { message: 'must be below approved_threshold', path: ['operator_required_threshold'] })

export type OzSettings = z.output<typeof settingsSchema>

export const DECISIONS = ['approved', 'operator_required', 'declined'] as const
export type DecisionValue = (typeof DECISIONS)[number]

/** Scenario outcomes in the vendor's vocabulary (see the vendor README, "Outcome vocabulary"). */
export const outcomeSchema = z.object({
  error: z.enum(catalogue.codes as [OzCode, ...OzCode[]]).optional()
    .describe('answer this documented error code (status and message from the catalogue)'),
  score: z.number().min(0).max(1).optional()
    .describe('biometry: the compare score; detect: the attack score (confidence_spoofing) of every media'),
  scores: z.array(z.number().min(0).max(1)).min(1).max(1000).optional()
    .describe('1:N methods: the score of each item in input order; detect: of each media in input order (score, or the default, for the rest)'),
  decision: z.enum(DECISIONS).optional()
    .describe('biometry: the decision; without score, a score in the matching band is generated'),
  compare_mode: z.enum(['default', 'content']).optional()
    .describe('biometry: score different photos as the default mode (approved) or by perceptual distance'),
  passed: z.boolean().optional()
    .describe('detect: the verdict; without score, an attack score on the matching side of the threshold is generated'),
  status: z.number().int().min(0).max(255).optional()
    .describe('health: the status (0 working, 3 inoperative)'),
  message: z.string().max(1000).optional()
    .describe('health: the message')
}).strict().refine((o) => o.error === undefined || Object.keys(o).length === 1, 'an error outcome has nothing else')

export type OzOutcome = z.output<typeof outcomeSchema>

// ---- Requests ----

export const TransferHeaders = z.object({
  'content-transfer-encoding': z.string().optional()
    .describe('`base64`: bodies and parts are base64 text, and templates and parts come back in base64 (oz-api-lite.md, since 1.1.0)')
})

const sampleDoc = 'Image (JPEG or PNG). The declared type is not checked against the bytes; in base64 transfer mode, its base64 text.'
const templateDoc = 'Biometric template (application/octet-stream), as returned by extract; in base64 transfer mode, its base64 text.'

export const ExtractBody = readByHandler(binary(`${sampleDoc} Content-Type image/jpeg or image/png.`))

export const CompareBody = readByHandler(z.object({
  bio_feature: binary(`First biometric template. ${templateDoc}`),
  bio_template: binary(`Second biometric template. ${templateDoc}`)
}).meta({ id: 'OzCompareRequest' }))

export const VerifyBody = readByHandler(z.object({
  sample: binary(`Image to extract the biometric template. ${sampleDoc}`),
  bio_template: binary(`The biometric template to compare with. ${templateDoc}`)
}).meta({ id: 'OzVerifyRequest' }))

export const ExtractAndCompareBody = readByHandler(z.object({
  sample_1: binary(`First image. ${sampleDoc}`),
  sample_2: binary(`Second image. ${sampleDoc}`)
}).meta({ id: 'OzExtractAndCompareRequest' }))

const nDoc = 'Each one a separate part with this same name and a filename (which comes back in its result).'

export const CompareNBody = readByHandler(z.object({
  template_1: binary(`The first (main) biometric template. ${templateDoc}`),
  templates_n: z.array(binary(templateDoc)).describe(`N biometric templates. ${nDoc}`)
}).meta({ id: 'OzCompareNRequest' }))

export const VerifyNBody = readByHandler(z.object({
  sample_1: binary(`The main image. ${sampleDoc}`),
  templates_n: z.array(binary(templateDoc)).describe(`N biometric templates. ${nDoc}`)
}).meta({ id: 'OzVerifyNRequest' }))

export const ExtractAndCompareNBody = readByHandler(z.object({
  sample_1: binary(`The first (main) image. ${sampleDoc}`),
  samples_n: z.array(binary(sampleDoc)).describe(`N images. ${nDoc}`)
}).meta({ id: 'OzExtractAndCompareNRequest' }))

const JsonObject = z.record(z.string(), z.unknown())

/** The `payload` part of a multipart detect (oz-api-lite.md, "The payload field"). */
export const DetectPayload = z.object({
  'folder:meta_data': JsonObject.optional().describe('echoed as the folder meta_data'),
  resolution_endpoint: z.string().max(2048).optional().describe('the result is also POSTed here after the response'),
  'media:meta_data': z.record(z.string(), JsonObject).optional().describe('media key → meta_data echoed on that media'),
  'media:tags': z.record(z.string(), z.array(z.string().max(256)).max(64)).optional().describe('media key → tags echoed on that media'),
  analyses: z.array(z.object({
    type: z.string().regex(/^quality$/i, 'API Lite runs the quality (Liveness) analysis').describe('quality'),
    meta_data: JsonObject.optional(),
    params: z.object({
      threshold_spoofing: z.number().min(0).max(1).optional().describe('the attack score above which the analysis is DECLINED'),
      extract_best_shot: z.boolean().optional().describe('return the best shot as a base64 JPEG in output_images[].image_b64')
    }).catchall(z.unknown()).optional()
  }).loose()).max(16).optional().describe('default: one quality analysis with default params')
}).loose().meta({ id: 'OzDetectPayload' })

export type DetectPayloadValue = z.output<typeof DetectPayload>

/**
 * A multipart detect takes its media under any part names (the document: "Each media file should
 * have a unique name, e.g., media_key1, media_key2"), and an optional `payload`: the parts are
 * `payload` and any other name, as the server reads them.
 */
export const DetectBody = readByHandler(z.union([
  binary(`A single image: Content-Type image/jpeg or image/png. ${sampleDoc}`),
  z.object({
    payload: DetectPayload.optional().describe('JSON text (optional): analyses, meta_data, tags, resolution_endpoint')
  }).catchall(binary('A media file (JPEG/PNG image, MP4 video, or a zip archive of images) under any part name but payload, e.g. media_key1, media_key2; each name once, at least one media. Any declared type but text/*.'))
    .describe('multipart/form-data')
]).meta({ id: 'OzDetectRequest' }))

// ---- Responses ----

export const OzError = z.object({
  code: z.enum(catalogue.codes as [OzCode, ...OzCode[]]).describe('BPE-/LDE- code, see the error tables'),
  message: z.string()
}).meta({ id: 'OzError' })

export const Version = z.object({
  core: z.string().describe('API Lite core version number'),
  tfss: z.string().describe('TFSS version number'),
  models: z.array(z.object({ name: z.string(), version: z.string() })).describe('model name and version of each model')
}).meta({ id: 'OzVersion' })

export const Health = z.object({
  status: z.number().int().describe('0: the processor is working correctly; 3: the processor is inoperative'),
  message: z.string()
}).meta({ id: 'OzHealth' })

const Decision = z.enum(DECISIONS).describe('approved: the faces match; operator_required: an operator must verify; declined: the faces do not match')

export const CompareResult = z.object({
  score: z.number().min(0).max(1).describe('The result of comparing two templates'),
  decision: Decision
}).meta({ id: 'OzCompareResult' })

export const CompareNResult = z.object({
  results: z.array(z.object({
    filename: z.string().describe('the filename of the Nth part'),
    score: z.number().min(0).max(1),
    decision: Decision
  })).describe('one result per Nth part, in input order')
}).meta({ id: 'OzCompareNResult' })

export const TemplateResponse = {
  description: 'The biometric template (base64 text with Content-Transfer-Encoding: base64).',
  content: { 'application/octet-stream': { schema: binary('Biometric template byte stream') } }
}

export const VerifyResponse = {
  description: 'multipart/form-data: a `score` part (application/json, `{"score": 1.0}`) and a `bio_feature` part (the template extracted from the sample; base64 in base64 mode).',
  content: {
    'multipart/form-data': {
      schema: z.object({
        score: z.object({ score: z.number().min(0).max(1) }).describe('application/json part'),
        bio_feature: binary('Biometric template derived from the sample (application/octet-stream part)')
      }).meta({ id: 'OzVerifyResult' })
    }
  }
}

export const DetectResult = z.object({
  passed: z.boolean().describe('false when the attack score is above the threshold'),
  score: z.number().min(0).max(1).describe('the probability of an attack')
}).meta({ id: 'OzDetectResult' })

const Nullable = z.null()
const Times = { time_created: z.number(), time_updated: z.number() }

const ImageInfo = z.object({
  md5: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  'mime-type': z.string()
})

const VideoInfo = z.object({
  duration: z.number(),
  FPS: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  md5: z.string(),
  size: z.number().int(),
  'mime-type': z.string()
})

const ShotsSetInfo = z.object({
  frames: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  md5: z.string(),
  size: z.number().int(),
  'mime-type': z.string()
})

/** Fields every media entry of a folder document has, input media and output images alike. */
const MediaFields = {
  folder_id: z.string(),
  media_id: z.string(),
  tags: z.array(z.string()),
  original_name: z.string(),
  original_url: Nullable,
  company_id: Nullable,
  technical_meta_data: JsonObject,
  ...Times
}

export const Media = z.object({
  ...MediaFields,
  media_type: z.enum(['IMAGE_FOLDER', 'VIDEO_FOLDER', 'SHOTS_SET']),
  info: z.union([
    z.object({ thumb: Nullable, original: ImageInfo }),
    z.object({ thumb: Nullable, video: VideoInfo }),
    z.object({ thumb: Nullable, shots_set: ShotsSetInfo })
  ]),
  meta_data: JsonObject,
  thumb_url: Nullable,
  folder_time_created: Nullable,
  video_id: z.string().optional(),
  video_url: Nullable.optional(),
  image_id: z.string().optional(),
  image_url: Nullable.optional()
}).meta({ id: 'OzMedia' })

const OutputImage = z.object({
  ...MediaFields,
  media_type: z.literal('IMAGE_RESULT_ANALYSIS_SINGLE'),
  info: z.object({ thumb: Nullable, original: ImageInfo }),
  meta_data: Nullable,
  folder_time_created: Nullable,
  image_b64: z.string().describe('the best shot, a base64 JPEG'),
  media_association_id: z.string()
})

const Resolution = z.enum(['SUCCESS', 'DECLINED'])

export const Analysis = z.object({
  analyse_id: Nullable,
  analysis_id: Nullable,
  folder_id: z.string(),
  folder_time_created: Nullable,
  type: z.literal('QUALITY'),
  state: z.literal('FINISHED'),
  company_id: Nullable,
  group_id: Nullable,
  results_data: Nullable,
  confs: z.object({
    threshold_replay: z.number(),
    extract_best_shot: z.boolean(),
    threshold_liveness: z.number(),
    threshold_spoofing: z.number()
  }).catchall(z.unknown()),
  error_message: Nullable,
  error_code: Nullable,
  resolution_operator: Nullable,
  technical_meta_data: JsonObject,
  ...Times,
  meta_data: JsonObject,
  source_media: z.array(Media),
  results_media: z.array(z.object({
    company_id: Nullable,
    media_association_id: z.string(),
    analysis_id: Nullable,
    results_data: z.object({ confidence_spoofing: z.number().min(0).max(1) }),
    source_media_id: z.string(),
    output_images: z.array(OutputImage),
    collection_persons: z.array(z.unknown()),
    folder_time_created: Nullable
  })),
  resolution_status: Resolution,
  resolution: Resolution
}).meta({ id: 'OzAnalysis' })

export const Folder = z.object({
  company_id: Nullable,
  time_created: z.number(),
  folder_id: z.string().describe('temporary ID'),
  user_id: Nullable,
  resolution_endpoint: z.string().nullable(),
  resolution_status: z.literal('FINISHED'),
  resolution_comment: z.string(),
  system_resolution: Resolution.describe('DECLINED when any analysis is DECLINED'),
  resolution_time: Nullable,
  resolution_author_id: Nullable,
  resolution_state_hash: Nullable,
  operator_comment: Nullable,
  operator_status: Nullable,
  is_cleared: Nullable,
  meta_data: JsonObject,
  technical_meta_data: JsonObject,
  time_updated: z.number(),
  media: z.array(Media),
  analyses: z.array(Analysis)
}).meta({ id: 'OzFolder' })

export type FolderValue = z.output<typeof Folder>
export type MediaValue = z.output<typeof Media>
export type AnalysisValue = z.output<typeof Analysis>

export const DetectResponse = z.union([DetectResult, Folder])
