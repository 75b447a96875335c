/**
 * The liveness engine's verdict on one attempt (fpt-ekyc.vi.md, Step 4, the "Mã lỗi" table and the
 * error examples): the result code, the scores, and the body laid out as the document's examples.
 * The scenario's outcome decides; without one, the attempt passes. Scores the scenario does not give
 * are generated per selfie and document picture, on the side of the thresholds the code implies.
 */
import type { Random, Seedable } from '../../core/random.js'
import { entries, type ResultCode } from './errors.js'
import { FACE_MATCH_NOT_RUN, livenessRefusal, NA, type LivenessBody, type LivenessPart } from './liveness-body.js'
import type { FptOutcome, FptSettings } from './schemas.js'

type Thresholds = FptSettings['liveness']
type Lang = 'en' | 'vi'

/** Generated spoof probabilities: a live face scores well below the 0.5 threshold, a spoof up to 0.99 (our choice). */
const LIVE_SPOOF = { min: 0.02, max: 0.45 }
const MAX_PROBABILITY = 0.99
/** Generated similarities (percent): a match from 85 (README: "similarity 85-99.99"), a mismatch from 20 (our choice). */
const MATCH_SIMILARITY = { min: 85, max: 99.99 }
const MISMATCH_MIN_SIMILARITY = 20
/** Probabilities print with 4 decimals ("0.0123"), similarities with 2 ("98.37"), as in the document's examples. */
const PROB_DECIMALS = 4
const SIMILARITY_DECIMALS = 2

/** The success message at the top level (the document's example; lang vi: its Vietnamese text). */
const SUCCESS = { en: 'request successful', vi: 'Kiểm tra thực thể sống thành công' }

export interface Scores {
  spoof: number
  /** Only when a scenario gives one, or the code is 302 (the document returns it for low-resolution video only). */
  deepfake: number | undefined
  similarity: number
}

/** The result code: the scenario's, else what its probabilities imply, else success. */
export function resultCode (t: Thresholds, o: FptOutcome): '200' | ResultCode {
  if (o.code !== undefined) return o.code
  if (o.spoof_prob !== undefined && o.spoof_prob >= t.spoof_threshold) return '301'
  if (o.deepfake_prob !== undefined && o.deepfake_prob >= t.deepfake_threshold) return '302'
  if (o.similarity !== undefined && o.similarity < t.face_match_threshold) return '303'
  return '200'
}

/** The scenario's scores, the others generated from `seed` (the same selfie and document, the same scores). */
export function scores (random: Random, t: Thresholds, code: '200' | ResultCode, o: FptOutcome, seed: Seedable[]): Scores {
  const spoof = code === '301'
    ? random.between(t.spoof_threshold, MAX_PROBABILITY, PROB_DECIMALS, 'fpt.spoof', ...seed)
    : random.between(LIVE_SPOOF.min, Math.min(LIVE_SPOOF.max, t.spoof_threshold), PROB_DECIMALS, 'fpt.spoof', ...seed)
  const deepfake = code === '302' ? random.between(t.deepfake_threshold, MAX_PROBABILITY, PROB_DECIMALS, 'fpt.deepfake', ...seed) : undefined
  const similarity = code === '303'
    ? random.between(MISMATCH_MIN_SIMILARITY, t.face_match_threshold - 0.01, SIMILARITY_DECIMALS, 'fpt.similarity', ...seed)
    : random.between(Math.max(MATCH_SIMILARITY.min, t.face_match_threshold), MATCH_SIMILARITY.max, SIMILARITY_DECIMALS, 'fpt.similarity', ...seed)
  return { spoof: o.spoof_prob ?? spoof, deepfake: o.deepfake_prob ?? deepfake, similarity: o.similarity ?? similarity }
}

/** The top-level message of a result code in the request's language. */
export function resultMessage (code: ResultCode, lang: Lang): string {
  const e = entries[code]
  return lang === 'vi' ? e.vi : e.message
}

/**
 * The body for a result code: success; a failed face match (the 407 example: liveness passed,
 * "liveness request successful"); 409 (both parts carry the code); a failed liveness (the 413
 * example: face match not run, all "N/A"). `is_complete_session` is the caller's to set.
 */
export function resultBody (code: '200' | ResultCode, o: FptOutcome, s: Scores, t: Thresholds, lang: Lang): LivenessBody {
  const tail = { video_face_url: NA, compared_face_url: NA, is_complete_session: false }
  if (code === '200') {
    return {
      code: '200',
      message: SUCCESS[lang],
      liveness: { code: '200', message: 'liveness check successful', ...passedLiveness(o, s, t) },
      face_match: { code: '200', message: 'face matching successful', isMatch: String(s.similarity >= t.face_match_threshold), similarity: s.similarity.toFixed(SIMILARITY_DECIMALS), warning: NA },
      ...tail
    }
  }
  const e = entries[code]
  if (e.part === 'both') return { ...livenessRefusal(code, e.message, false), message: resultMessage(code, lang) }
  if (e.part === 'face_match') {
    // Only 303 measured a similarity; 407 found no face in the document to compare with.
    const measured = code === '303'
    return {
      code,
      message: resultMessage(code, lang),
      liveness: { code: '200', message: 'liveness request successful', ...passedLiveness(o, s, t) },
      face_match: { code, message: e.message, isMatch: measured ? 'false' : NA, similarity: measured ? s.similarity.toFixed(SIMILARITY_DECIMALS) : NA, warning: NA },
      ...tail
    }
  }
  return { code, message: resultMessage(code, lang), liveness: failedLiveness(code, e.message, o, s), face_match: FACE_MATCH_NOT_RUN, ...tail }
}

/** The measures of a liveness that passed (without its code and message). */
function passedLiveness (o: FptOutcome, s: Scores, t: Thresholds): Omit<LivenessPart, 'code' | 'message'> {
  return {
    is_live: 'true',
    spoof_prob: s.spoof.toFixed(PROB_DECIMALS),
    need_to_review: String(o.need_to_review === true),
    is_deepfake: s.deepfake === undefined ? NA : String(s.deepfake >= t.deepfake_threshold),
    deepfake_prob: s.deepfake === undefined ? NA : s.deepfake.toFixed(PROB_DECIMALS),
    warning: o.warning ?? '',
    error_frame_url: NA
  }
}

/** A failed liveness: only the spoof (301) and deepfake (302) verdicts carry the probability behind them. */
function failedLiveness (code: ResultCode, message: string, o: FptOutcome, s: Scores): LivenessPart {
  const spoofMeasured = code === '301' || code === '302'
  const deepfake = code === '302' ? s.deepfake : undefined
  return {
    code,
    message,
    is_live: 'false',
    spoof_prob: spoofMeasured ? s.spoof.toFixed(PROB_DECIMALS) : NA,
    need_to_review: String(o.need_to_review === true),
    is_deepfake: deepfake === undefined ? NA : 'true',
    deepfake_prob: deepfake === undefined ? NA : deepfake.toFixed(PROB_DECIMALS),
    warning: o.warning ?? '',
    error_frame_url: NA
  }
}
