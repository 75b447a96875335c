/**
 * Settings, scenario outcomes, and the request and response shapes of the FPT.AI eKYC full flow,
 * named as fpt-ekyc.vi.md names them. Values are strings where the document shows strings
 * ("200", "true", "N/A", "98.37"); `is_complete_session` and face-search similarities are not.
 */
import { z } from 'zod'
import { binary, jsonResponse, readByHandler } from '../../core/schemas.js'
import { operations, RESULT_CODES, type FptKey } from './errors.js'

/** Largest request body (bytes): two 10 MB document images, or a few selfies, with room to spare. */
export const BODY_LIMIT = 32 * 1024 * 1024

export const DEVICE_TYPES = ['android', 'ios', 'web-sdk', 'api'] as const
export type DeviceType = (typeof DEVICE_TYPES)[number]

const SdkConfig = z.object({
  is_show_ekyc_result: z.boolean().default(true).describe('whether the SDK shows the eKYC result screen'),
  ekyc_flow: z.number().int().min(0).max(99).default(1).describe('flow number the SDK runs'),
  liveness_type: z.number().int().min(0).max(99).default(1).describe('liveness capture type the SDK uses'),
  is_skip_nfc: z.boolean().default(true).describe('whether the SDK skips reading the chip by NFC'),
  limit: z.number().int().min(1).max(100).default(5).describe('liveness attempts allowed before the session ends (Step 4)')
}).strict()

const QualitySettings = z.object({
  min_width: z.number().int().min(1).max(100_000).default(640).describe('QC01 below this width (document: "Tối thiểu là 640x480")'),
  min_height: z.number().int().min(1).max(100_000).default(480).describe('QC01 below this height'),
  min_brightness: z.number().min(0).max(255).default(40).describe('QC04 when the mean of all channels (0-255) is below this'),
  max_brightness: z.number().min(0).max(255).default(230).describe('QC04 when the mean is above this'),
  max_bright_ratio: z.number().min(0).max(1).default(0.05).describe('QC02 when more than this share of pixels is at grey level 250 or more'),
  min_sharpness: z.number().min(0).default(0.5).describe('QC03 when sharp\'s sharpness estimate is below this (photos 1.3-6, a heavy blur 0.14)'),
  min_contrast: z.number().min(0).default(0.5).describe('error 3 (no document in the image) when the grey-level standard deviation is below this: a flat, empty picture')
}).strict()

const LivenessSettings = z.object({
  spoof_threshold: z.number().min(0).max(1).default(0.5).describe('is_live is "true" when spoof_prob is below this (document: prob < 0.5)'),
  deepfake_threshold: z.number().min(0).max(1).default(0.5).describe('is_deepfake is "true" when deepfake_prob is at or above this'),
  face_match_threshold: z.number().min(0).max(100).default(80).describe('isMatch is "true" when similarity (percent) is at or above this (document: 80)')
}).strict()

const FaceSearchSettings = z.object({
  enabled: z.boolean().default(false).describe('add face_search to successful liveness answers, searching earlier completed sessions of the namespace'),
  collection: z.string().min(1).max(64).default('ekyc').describe('the collection name the results are listed under'),
  top_k: z.number().int().min(1).max(100).default(5).describe('most results per face type'),
  min_similarity: z.number().min(0).max(1).default(0.8).describe('smallest similarity (0-1) listed')
}).strict()

export const settingsSchema = z.object({
  session_lifetime_seconds: z.number().int().min(1).max(30 * 86_400).default(1800)
    .describe('how long a session lives after init (document: 30 minutes by default, configurable)'),
  sdk_config: z.object({
    android: SdkConfig.prefault({}),
    ios: SdkConfig.prefault({}),
    'web-sdk': SdkConfig.prefault({}),
    api: SdkConfig.prefault({})
  }).strict().prefault({}).describe('sdk_config answered by init, per device type; its limit is the session\'s liveness retry limit'),
  max_image_bytes: z.number().int().min(1).max(64 * 1024 * 1024).default(10 * 1024 * 1024)
    .describe('largest image file accepted (OCR: error 7; liveness: 409)'),
  max_selfies: z.number().int().min(1).max(20).default(5).describe('most `selfies` files in one liveness call (more: 409)'),
  quality: QualitySettings.prefault({}),
  liveness: LivenessSettings.prefault({}),
  face_search: FaceSearchSettings.prefault({})
}).strict()

export type FptSettings = z.output<typeof settingsSchema>

// --- Scenario outcomes -----------------------------------------------------------------------

const ERROR_KEYS = [...new Set(Object.values(operations).flatMap((o) => o.errors))] as [FptKey, ...FptKey[]]
const DMY = z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/, 'a dd/mm/yyyy date')

export const outcomeSchema = z.object({
  error: z.enum(ERROR_KEYS).optional()
    .describe('refuse with this catalogue entry (the wire code, with a slug where one code has several messages, e.g. "400-uuid"); it must belong to the operation'),
  sdk_config: SdkConfig.partial().optional().describe('init: override sdk_config (its limit becomes the session\'s retry limit)'),
  holder: z.object({
    card: z.enum(['chip', 'cmnd']).optional().describe('idr: a chip CCCD (default) or an old 9-digit CMND'),
    date_of_birth: DMY.optional(),
    sex: z.enum(['Nam', 'Nữ']).optional(),
    province_code: z.string().regex(/^\d{3}$/).optional().describe('3-digit province code of the CCCD number'),
    issue_date: DMY.optional()
  }).strict().optional().describe('ocr: facts of the generated holder; everything else is generated consistently around them'),
  fields: z.record(z.string().min(1).max(64), z.string().max(2000)).optional()
    .describe('ocr: field values by key (e.g. {"Sex": "Nữ"}), applied after generation; the post-checks then run on them'),
  code: z.enum(['200', ...RESULT_CODES]).optional().describe('liveness: the result code (default: from the probabilities)'),
  spoof_prob: z.number().min(0).max(1).optional().describe('liveness: spoof probability; at or above the threshold gives 301'),
  deepfake_prob: z.number().min(0).max(1).optional().describe('liveness: deepfake probability; at or above the threshold gives 302'),
  similarity: z.number().min(0).max(100).optional().describe('liveness: face match similarity (percent); below the threshold gives 303'),
  need_to_review: z.boolean().optional(),
  warning: z.string().max(500).optional().describe('liveness: the warning text')
}).strict()

export type FptOutcome = z.output<typeof outcomeSchema>

// --- Requests --------------------------------------------------------------------------------

const apiKey = z.string().describe('Your API key. Also accepted as `api_key` (the document\'s tables spell it so). Missing or refused: init 401, OCR "api-key must be provided".')
const deviceType = z.enum(DEVICE_TYPES).describe('android, ios, web-sdk or api')
const sessionId = z.string().describe('session-id from POST /session/init. Missing: "uuid must be provided"; expired: 403 "Session expired"')
const lang = z.enum(['en', 'vi']).optional().describe('response language, en (default) or vi; anything else: "country code value is invalid"')

export const InitHeaders = z.object({
  'api-key': apiKey,
  'device-type': deviceType,
  client_uuid: z.string().optional().describe('your uuid (also accepted as client-uuid)')
})

export const OcrHeaders = z.object({
  'session-id': sessionId,
  'api-key': apiKey,
  'device-type': deviceType,
  'document-type': z.enum(['idr', 'passport', 'dlr']).describe('idr (identity card), passport, dlr (driver licence)'),
  'side-type': z.enum(['front', 'back']).optional().describe('one side per request (front first); without it, both sides in one request (idr, dlr)'),
  lang
})

export const LivenessHeaders = z.object({
  'session-id': sessionId,
  'api-key': apiKey,
  auto: z.string().optional().describe('True when called from the FPT SDK, otherwise False (not checked)'),
  'device-type': deviceType,
  lang
})

export const OcrRequest = readByHandler(z.object({
  files: z.array(binary('Document image (JPEG or PNG): one per request with side-type or for a passport, else front then back')).min(1).max(2)
}).describe('multipart/form-data'))

/** What /face/liveness takes: 1 to `max_selfies` files (5 by default), each a part named `selfies`. */
export function livenessRequest (maxSelfies: number): z.ZodType {
  return readByHandler(z.object({
    selfies: z.array(binary('Selfie image (JPEG or PNG)')).min(1).max(maxSelfies)
      .describe(`1 to ${maxSelfies} selfie files (the max_selfies setting), each a part named selfies; several frames of the face may be sent. None, more, or one that is not a readable JPEG or PNG: 409 Invalid upload image`),
    selfies_hash: z.string().max(4096).optional().describe('hash string generated by the mobile SDK (not checked)')
  }).describe('multipart/form-data'))
}

// --- Responses -------------------------------------------------------------------------------

export const FptCodeMessage = z.object({
  code: z.string().describe('"200", or the error code'),
  message: z.string()
}).meta({ id: 'FptCodeMessage' })

export const InitSuccess = z.object({
  code: z.literal('200'),
  message: z.string(),
  'session-id': z.string(),
  sdk_config: z.object({
    is_show_ekyc_result: z.boolean(),
    ekyc_flow: z.number().int(),
    liveness_type: z.number().int(),
    is_skip_nfc: z.boolean(),
    limit: z.number().int()
  })
}).meta({ id: 'FptInitSuccess' })

export const OcrField = z.object({
  key: z.string().describe('field identifier, e.g. "Date of birth"'),
  locale: z.string().describe('country code ("vn")'),
  name: z.string().describe('field name: the key in English (lang en), the Vietnamese name (lang vi)'),
  score: z.string().describe('OCR confidence, e.g. "98.37"'),
  value: z.string()
}).meta({ id: 'FptOcrField' })

export const OcrResponse = z.object({
  data: z.array(OcrField).describe('front fields; after the back side, front and back fields'),
  errorCode: z.string().describe('"0" on success, else the error code'),
  errorMessage: z.string(),
  total_data: z.array(z.unknown())
}).meta({ id: 'FptOcrResponse' })

const LivenessPart = z.object({
  code: z.string(),
  message: z.string(),
  is_live: z.string().describe('"true" when spoof_prob < 0.5, "false", or "N/A"'),
  spoof_prob: z.string(),
  need_to_review: z.string(),
  is_deepfake: z.string(),
  deepfake_prob: z.string(),
  warning: z.string(),
  error_frame_url: z.string()
}).meta({ id: 'FptLivenessPart' })

const FaceMatchPart = z.object({
  code: z.string(),
  message: z.string(),
  isMatch: z.string().describe('"true" when similarity >= 80, "false", or "N/A"'),
  similarity: z.string(),
  warning: z.string()
}).meta({ id: 'FptFaceMatchPart' })

const FaceSearchHit = z.object({
  'session-id': z.string(),
  similarity: z.number(),
  face_type: z.string().describe('selfie, or the document type'),
  info: z.record(z.string(), z.unknown())
})

export const LivenessResponse = z.object({
  code: z.string().describe('"200" when liveness and face match pass, else the code of the table'),
  message: z.string(),
  liveness: LivenessPart,
  face_match: FaceMatchPart,
  video_face_url: z.string(),
  compared_face_url: z.string(),
  face_search: z.record(z.string(), z.object({ selfie: z.array(FaceSearchHit), document: z.array(FaceSearchHit) })).optional()
    .describe('when face search is enabled, on success'),
  is_complete_session: z.boolean().describe('true when the session is over (passed, or the retry limit used up)')
}).meta({ id: 'FptLivenessResponse' })

// --- Responses, as each step's table describes them -----------------------------------------

export const InitResponses = {
  200: jsonResponse('Session created: code "200", message "success", the session-id (valid 30 minutes from now) and the SDK configuration of the device type; sdk_config.limit is the liveness retry limit.', InitSuccess),
  400: jsonResponse('400 "device type must be provided": device-type is missing or not android, ios, web-sdk or api.', FptCodeMessage),
  401: jsonResponse('401 "get api key info failed": the api key is missing or refused (checked before device-type).', FptCodeMessage),
  413: jsonResponse('413 "Request Entity Too Large": a body over 32 MB (the document is silent; our answer).', FptCodeMessage),
  500: jsonResponse('500 "Internal Server Error".', FptCodeMessage)
}

export const OcrResponses = {
  200: jsonResponse('errorCode "0" with the fields read in data (after the back: front and back fields), or an error with empty data: the general table (400 api-key, device-type, document-type, uuid, country code), E101, E102, E103, E110, image quality QC01-QC04, forgery FC01-FC07, post-check E-1 and E01-E32.', OcrResponse),
  400: jsonResponse('Input-file errors: 1 "Invalid Parameters or Values", 3 "Unable to find the selected document in the image", 7 "Invalid image file".', OcrResponse),
  403: jsonResponse('403 "Session expired": the session is past its lifetime (counted from init), ended, or unknown.', OcrResponse),
  500: jsonResponse('500 "Internal Server Error".', OcrResponse)
}

export const LivenessResponses = {
  200: jsonResponse('The result of the attempt: code "200" when liveness and face match pass (the session is then complete), else a result code of the table (301, 302, 303, 406-413, 422, 423), each counted as an attempt (409 for a body over 32 MB, refused before it is read, is not); is_complete_session is true once the retry limit is used up.', LivenessResponse),
  400: jsonResponse('Refused, not an attempt (code 400): "OCR must be completed before liveness", "device type must be provided", "uuid must be provided" or "country code value is invalid".', LivenessResponse),
  401: jsonResponse('401 "get api key info failed": the api key is missing or refused; not an attempt.', LivenessResponse),
  403: jsonResponse('403 "Session expired": the session is past its lifetime (counted from init), ended by a pass or the retry limit, or unknown; is_complete_session is true.', LivenessResponse),
  500: jsonResponse('500 "Internal Server Error".', LivenessResponse)
}
