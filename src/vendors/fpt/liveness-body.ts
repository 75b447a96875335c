/**
 * The body of POST /face/liveness (fpt-ekyc.vi.md, Step 4; schemas.ts, LivenessResponse): one shape
 * for results and refusals alike. Values are strings where the document shows strings ("200",
 * "true", "N/A", "98.37").
 */

export interface LivenessPart {
  code: string
  message: string
  is_live: string
  spoof_prob: string
  need_to_review: string
  is_deepfake: string
  deepfake_prob: string
  warning: string
  error_frame_url: string
}

export interface FaceMatchPart { code: string, message: string, isMatch: string, similarity: string, warning: string }

export interface FaceSearchHit { 'session-id': string, similarity: number, face_type: string, info: Record<string, unknown> }

export type FaceSearchResult = Record<string, { selfie: FaceSearchHit[], document: FaceSearchHit[] }>

export interface LivenessBody {
  code: string
  message: string
  liveness: LivenessPart
  face_match: FaceMatchPart
  video_face_url: string
  compared_face_url: string
  face_search?: FaceSearchResult
  is_complete_session: boolean
}

/** Every value of a liveness sub-object the engine did not produce. */
export const NA = 'N/A'

/** A face match that did not run (the 413 example: liveness failed first). */
export const FACE_MATCH_NOT_RUN: FaceMatchPart = { code: NA, message: NA, isMatch: NA, similarity: NA, warning: NA }

/** The liveness body of a refusal: code and message everywhere, "N/A" for every measure (the 409 example). */
export function livenessRefusal (code: string, message: string, isCompleteSession: boolean): LivenessBody {
  return {
    code,
    message,
    liveness: { code, message, is_live: NA, spoof_prob: NA, need_to_review: NA, is_deepfake: NA, deepfake_prob: NA, warning: NA, error_frame_url: NA },
    face_match: { code, message, isMatch: NA, similarity: NA, warning: NA },
    video_face_url: NA,
    compared_face_url: NA,
    is_complete_session: isCompleteSession
  }
}
