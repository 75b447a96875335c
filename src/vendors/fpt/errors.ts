/**
 * The FPT.AI eKYC error catalogue (fpt-ekyc.vi.md, every "Mã lỗi" / "Các mã lỗi" table), as data.
 *
 * The same condition is answered differently by each endpoint (vendor-notes, ambiguity 20), so an
 * entry knows its wire `code`, its English message (ruling 28: the `Error Message` column is the
 * wire text) and its HTTP status, and is rendered in the shape of the endpoint that refuses:
 *
 * - `init`: `{"code":"401","message":"get api key info failed"}` (Step 1, "Mã lỗi");
 * - `ocr`: `{"data":[],"errorCode":"E101","errorMessage":"...","total_data":[]}` (Step 2): the
 *   general-table errors travel with HTTP 200 (or 403 for an expired session), the input-file
 *   errors 1, 3, 7 with HTTP 400, quality, forgery and post-check errors with HTTP 200;
 * - `liveness`: the full liveness body of the document's error examples, the code and message in
 *   the top level and in both sub-objects (like the 409 example), every other value "N/A".
 *
 * The shape is the refusing operation's (`detail.operation`); a refusal outside any operation (an
 * unknown path, a wrong method) takes init's `{code, message}`.
 *
 * Keys are the wire codes, with a slug where one code has several messages ("400-api-key").
 * Liveness result codes (301 ... 423) are listed here as data too; the liveness service builds
 * their bodies, since they are results (HTTP 200, counted as attempts), not refusals.
 */
import { defineCatalogue, type CatalogueEntry } from '../../core/errors.js'
import type { FailureTable, OperationSpec } from '../../core/vendor/module.js'
import { livenessRefusal } from './liveness-body.js'

interface FptEntry extends CatalogueEntry {
  /** The code as it travels in the body (`code` or `errorCode`), always a string. */
  readonly code: string
  /** HTTP status on /ocr where the general table gives one different from the other endpoints. */
  readonly ocrStatus?: number
  /** Liveness results: the Vietnamese text (lang vi) and which sub-object carries the code. */
  readonly vi?: string
  readonly part?: 'liveness' | 'face_match' | 'both'
  /** Not in the document: our answer where the document is silent (README, "Divergences and guesses"). */
  readonly guess?: true
}

export const entries = {
  // Step 1, Init session: "Mã lỗi". Also used by /face/liveness (our choice, README).
  '400-device-type': { status: 400, ocrStatus: 200, code: '400', message: 'device type must be provided' },
  401: { status: 401, code: '401', message: 'get api key info failed' },

  // Step 2, "Các mã lỗi chung": the request did not reach the AI engine.
  '400-api-key': { status: 200, code: '400', message: 'api-key must be provided' },
  '400-document-type-missing': { status: 200, code: '400', message: 'document-type header must be provided' },
  '400-document-type-invalid': { status: 200, code: '400', message: 'document-type value is invalid' },
  403: { status: 403, code: '403', message: 'Session expired' },
  '400-uuid': { status: 400, ocrStatus: 200, code: '400', message: 'uuid must be provided' },
  '400-country-code': { status: 400, ocrStatus: 200, code: '400', message: 'country code value is invalid' },
  E101: { status: 200, code: 'E101', message: 'Front picture must be taken first' },
  E102: { status: 200, code: 'E102', message: 'Document type is not supported' },
  E103: { status: 200, code: 'E103', message: 'Please capture your rear document' },

  // "Lỗi file đầu vào"
  1: { status: 400, code: '1', message: 'Invalid Parameters or Values' },
  3: { status: 400, code: '3', message: 'Unable to find the selected document in the image' },
  7: { status: 400, code: '7', message: 'Invalid image file' },

  // "Lỗi liên quan tới chất lượng ảnh"
  QC01: { status: 200, code: 'QC01', message: 'Image resolution is too low' },
  QC02: { status: 200, code: 'QC02', message: 'Image has bright spot(s)' },
  QC03: { status: 200, code: 'QC03', message: 'Image is blurry' },
  QC04: { status: 200, code: 'QC04', message: 'Image has bad luminance' },

  // "Lỗi liên quan tới giả mạo"
  FC01: { status: 200, code: 'FC01', message: 'Document is black-and-white photocopy' },
  FC02: { status: 200, code: 'FC02', message: 'Document has been re-captured from LCD screen' },
  FC03: { status: 200, code: 'FC03', message: 'Document has been edited or is colored photocopy' },
  FC04: { status: 200, code: 'FC04', message: 'Document has been cornered' },
  FC05: { status: 200, code: 'FC05', message: 'Missing face on front side of document' },
  FC06: { status: 200, code: 'FC06', message: 'Missing QRcode on front side of document' },
  FC07: { status: 200, code: 'FC07', message: 'Missing MRZ on back side of document' },

  // "Lỗi hậu kiểm"
  'E-1': { status: 200, code: 'E-1', message: 'Cannot do postcheck' },
  E01: { status: 200, code: 'E01', message: 'There is a blank field' },
  E02: { status: 200, code: 'E02', message: 'ID format is not correct' },
  E03: { status: 200, code: 'E03', message: 'DoB format is not correct' },
  E04: { status: 200, code: 'E04', message: 'DoB is later than today' },
  E05: { status: 200, code: 'E05', message: 'Current age cannot be smaller than 14' },
  E06: { status: 200, code: 'E06', message: 'Nationality is not correct' },
  E07: { status: 200, code: 'E07', message: 'Year in DoB does not match with ID number' },
  E08: { status: 200, code: 'E08', message: 'Gender code does not match' },
  E09: { status: 200, code: 'E09', message: 'DoE format is not correct' },
  E10: { status: 200, code: 'E10', message: 'ID card has been expired' },
  E11: { status: 200, code: 'E11', message: 'DoE cannot be KHÔNG THỜI HẠN' },
  E12: { status: 200, code: 'E12', message: 'DoI format is not correct' },
  E13: { status: 200, code: 'E13', message: 'DoI is later than today' },
  E15: { status: 200, code: 'E15', message: 'Please send images of the front and the back side of same type ID (old or new ID)' },
  E16: { status: 200, code: 'E16', message: 'There is a blank field in the front side' },
  E17: { status: 200, code: 'E17', message: 'Age at issue date cannot be smaller than 14' },
  E18: { status: 200, code: 'E18', message: 'DoE should be DoI + 15 years' },
  E19: { status: 200, code: 'E19', message: 'DoE should be birthday at 25 years old' },
  E20: { status: 200, code: 'E20', message: 'DoE should be birthday at 40 years old' },
  E21: { status: 200, code: 'E21', message: 'DoE should be birthday at 60 years old' },
  E22: { status: 200, code: 'E22', message: 'DoE should be KHÔNG THỜI HẠN' },
  E23: { status: 200, code: 'E23', message: 'Passport has been expired' },
  E24: { status: 200, code: 'E24', message: 'Passport number format is not correct' },
  E25: { status: 200, code: 'E25', message: 'Name format is not correct' },
  E30: { status: 200, code: 'E30', message: 'Front side and back side are not from the same card' },
  E32: { status: 200, code: 'E32', message: 'Type of document does not match issue date' },
  E110: { status: 200, code: 'E110', message: 'Wrong side-type of document' },

  // Step 4, liveness before OCR: the document forbids it without a code (ruling: HTTP 400, code "400").
  '400-ocr-first': { status: 400, code: '400', message: 'OCR must be completed before liveness', guess: true },

  // Step 4, "Mã lỗi" of /face/liveness: results, HTTP 200. English texts are the document's where it
  // gives one (301-303 in the table; 407, 409, 413 in the examples), else our translation of the
  // Vietnamese meaning; `vi` is the document's Vietnamese meaning where it gives one.
  301: { status: 200, code: '301', message: 'Face in video is spoof', vi: 'Khuôn mặt trong video là giả mạo', part: 'liveness' },
  302: { status: 200, code: '302', message: 'Video seems like deepfake', vi: 'Video có dấu hiệu deepfake', part: 'liveness' },
  303: { status: 200, code: '303', message: 'Face is not matching with document', vi: 'Khuôn mặt không khớp với giấy tờ', part: 'face_match' },
  406: { status: 200, code: '406', message: 'Bad face image quality (covered, too dark or too bright)', vi: 'Chất lượng ảnh khuôn mặt không tốt (bị che, quá tối hoặc quá sáng, ...)', part: 'liveness' },
  407: { status: 200, code: '407', message: 'No faces detected in document', vi: 'Không tìm thấy khuôn mặt trong giấy tờ', part: 'face_match' },
  408: { status: 200, code: '408', message: 'More than one face in video', vi: 'Có nhiều hơn 1 khuôn mặt trong video', part: 'liveness' },
  409: { status: 200, code: '409', message: 'Invalid upload image', vi: 'Không có video được tải lên / Video tải lên sai định dạng / Video tải lên quá ngắn /Video tải lên không hợp lệ', part: 'both' },
  410: { status: 200, code: '410', message: 'No face found or face lost in video', vi: 'Không tìm thấy khuôn mặt hoặc khuôn mặt bị mất trong video', part: 'liveness' },
  411: { status: 200, code: '411', message: 'Face in video is too small', vi: 'Khuôn mặt trong video quá nhỏ', part: 'liveness' },
  412: { status: 200, code: '412', message: 'Face in video is blurry', vi: 'Khuôn mặt trong video bị mờ', part: 'liveness' },
  413: { status: 200, code: '413', message: 'Video may seem like image', vi: 'Video quay lại ảnh tĩnh', part: 'liveness' },
  422: { status: 200, code: '422', message: 'No frontal face found in video', vi: 'Không tìm thấy khung hình có khuôn mặt trực diện trong video', part: 'liveness' },
  423: { status: 200, code: '423', message: 'Face is out of frame', vi: 'Khuôn mặt bị ra khỏi khung hình', part: 'liveness' },

  // Not in the document (README, "Divergences and guesses"): unknown paths, wrong methods, a body
  // over the limit on init, and a failure of the sandbox itself (the newer docs list 500
  // "Internal Server Error" among the codes).
  404: { status: 404, code: '404', message: 'Not Found', guess: true },
  405: { status: 405, code: '405', message: 'Method Not Allowed', guess: true },
  '413-body': { status: 413, code: '413', message: 'Request Entity Too Large', guess: true },
  // A request whose body cannot even be read as what its Content-Type says (on a route that takes no
  // body, or outside any route): the gateway's plain refusal.
  '400-bad-request': { status: 400, code: '400', message: 'Bad Request', guess: true },
  500: { status: 500, code: '500', message: 'Internal Server Error', guess: true }
} as const satisfies Record<string, FptEntry>

export type FptKey = `${keyof typeof entries}`

/** The liveness result codes (the "Mã lỗi" table of Step 4 and the examples' 407). */
export const RESULT_CODES = ['301', '302', '303', '406', '407', '408', '409', '410', '411', '412', '413', '422', '423'] as const
export type ResultCode = (typeof RESULT_CODES)[number]

/**
 * What each operation can refuse with (its table in the document, plus our guesses): a scenario's
 * `error` outcome must be one of these (core checks it when the scenario files load).
 */
export const operations: Record<string, OperationSpec & { errors: readonly FptKey[] }> = {
  'fpt.session_init': { errors: ['400-device-type', '401', '500'] },
  'fpt.ocr': {
    errors: [
      '400-api-key', '400-device-type', '400-document-type-missing', '400-document-type-invalid', '403', '400-uuid', '400-country-code',
      'E101', 'E102', 'E103', '1', '3', '7', 'QC01', 'QC02', 'QC03', 'QC04',
      'FC01', 'FC02', 'FC03', 'FC04', 'FC05', 'FC06', 'FC07',
      'E-1', 'E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E07', 'E08', 'E09', 'E10', 'E11', 'E12', 'E13', 'E15', 'E16', 'E17',
      'E18', 'E19', 'E20', 'E21', 'E22', 'E23', 'E24', 'E25', 'E30', 'E32', 'E110', '500'
    ]
  },
  'fpt.liveness': { errors: ['401', '400-device-type', '400-uuid', '403', '400-country-code', '400-ocr-first', '500'] }
}

/**
 * What a body the endpoint cannot read is answered with. /ocr: its input-file errors, 7 for a body,
 * file or image too large or an image that does not decode, else 1 (a text part over its limit is
 * a bad parameter). /face/liveness: 409 "Invalid upload image", a refusal here (the body failed
 * before the handler; the service counts the 409s it finds itself as attempts). /session/init reads
 * no body: one over the gateway's limit is 413, one that cannot be read as its Content-Type says 400
 * "Bad Request" (guesses). Anything else is our 500.
 */
export const failures: FailureTable = {
  vendor: { 'body-too-large': '413-body', 'body-malformed': '400-bad-request', validation: '400-bad-request', 'client-error': '400-bad-request' },
  byOperation: {
    'fpt.ocr': { 'body-too-large': '7', 'multipart-file-too-large': '7', image: '7', 'body-malformed': '1', validation: '1', multipart: '1' },
    'fpt.liveness': { 'body-too-large': '409', 'body-malformed': '409', validation: '409', multipart: '409', image: '409' }
  },
  internal: '500'
}

/** The body shape of each operation (fpt-ekyc.vi.md shows one per step); init's for anything else. */
const SHAPES: Record<string, 'ocr' | 'liveness'> = { 'fpt.ocr': 'ocr', 'fpt.liveness': 'liveness' }

export const catalogue = defineCatalogue('fpt', entries as Record<FptKey, FptEntry>, (key, entry, { operation }) => {
  const shape = SHAPES[operation ?? '']
  if (shape === 'ocr') {
    return { status: entry.ocrStatus ?? entry.status, body: { data: [], errorCode: entry.code, errorMessage: entry.message, total_data: [] } }
  }
  if (shape === 'liveness') {
    // An expired (or ended) session is over: the only refusal whose session is complete.
    return { status: entry.status, body: livenessRefusal(entry.code, entry.message, key === '403') }
  }
  return { status: entry.status, body: { code: entry.code, message: entry.message } }
})
