/**
 * Step 4, POST /face/liveness (fpt-ekyc.vi.md): only once OCR is complete. Every result answers HTTP
 * 200 with its code; every result that does not pass (409 included) is an attempt, and when
 * `sdk_config.limit` attempts have failed the session is over (`is_complete_session` true). A pass
 * ends the session too. Refusals (headers, session) are not attempts.
 */
import { ImageError, type DecodedImage } from '../../../core/images.js'
import { catalogue } from '../errors.js'
import { livenessRefusal, type LivenessBody } from '../liveness-body.js'
import type { FptOutcome } from '../schemas.js'
import type { SessionRow } from '../store.js'
import { resultBody, resultCode, resultMessage, scores } from '../verdict.js'
import { faceSearch } from './face-search.js'
import { deviceTypeOf, langOf, openSession, type FptCall, type FptHeaders, type Lang } from './session.js'

/** What the request-level checks found: the session, ready for liveness, and the language. */
export interface LivenessChecked {
  session: SessionRow
  lang: Lang
}

export interface LivenessInput extends LivenessChecked {
  /** The `selfies` file parts; undefined when the body could not be read as multipart. */
  selfies: Buffer[] | undefined
  /** The text parts (`selfies_hash`), as scenario rules match them. */
  fields: Record<string, unknown[]>
}

/** Request-level refusals, before the body is read, in the liveness body shape (our choices where the document is silent; README). */
export function checkLiveness (call: FptCall, headers: FptHeaders): LivenessChecked {
  if (!call.acceptsKey(headers.apiKey)) throw catalogue.error('401')
  deviceTypeOf(headers.deviceType)
  const session = openSession(call, headers.sessionId)
  const lang = langOf(headers.lang)
  // "Sau khi bước OCR đã hoàn thành thì mới có thể tiến hành bước liveness" (ruling FPT: HTTP 400, code "400").
  if (session.state !== 'ocr_done') throw catalogue.error('400-ocr-first')
  return { session, lang }
}

export async function liveness (call: FptCall, input: LivenessInput): Promise<LivenessBody> {
  const { session, lang } = input
  const selfie = await firstSelfie(call, input.selfies)
  // 409 "Invalid upload image" is a result like the others: it counts as an attempt (ruling FPT).
  if (selfie === undefined) return failedAttempt(call, session, livenessRefusal('409', resultMessage('409', lang), false))
  const outcome = call.decideOrThrow<FptOutcome>({ session: session.session_id, body: input.fields })
  const t = call.settings.liveness
  const code = resultCode(t, outcome)
  const body = resultBody(code, outcome, scores(call.random, t, code, outcome, [selfie.sha256, session.front_hash]), t, lang)
  if (code !== '200') return failedAttempt(call, session, body)
  return await passed(call, session, selfie, body)
}

/** The first selfie, once every one decodes; undefined (409) when there are none, too many, or one cannot be read. */
async function firstSelfie (call: FptCall, selfies: Buffer[] | undefined): Promise<DecodedImage | undefined> {
  if (selfies === undefined || selfies.length === 0 || selfies.length > call.settings.max_selfies) return undefined
  const images: DecodedImage[] = []
  for (const bytes of selfies) {
    try {
      images.push(await call.images.decode(bytes, { maxBytes: call.settings.max_image_bytes }))
    } catch (err) {
      if (err instanceof ImageError) return undefined
      throw err
    }
  }
  return images[0]
}

/** Count the failed attempt; the session is complete once the limit is used up (Step 4). */
function failedAttempt (call: FptCall, session: SessionRow, body: LivenessBody): LivenessBody {
  const counted = call.store.failAttempt(call.namespace, session.session_id)
  if (counted === undefined) throw catalogue.error('403') // the session ended meanwhile
  return { ...body, is_complete_session: counted.closed }
}

/** A pass ends the session; with face search enabled, the answer lists the earlier faces found. */
async function passed (call: FptCall, session: SessionRow, selfie: DecodedImage, body: LivenessBody): Promise<LivenessBody> {
  if (!call.store.succeed(call.namespace, session.session_id)) throw catalogue.error('403') // the session ended meanwhile
  const searched = call.settings.face_search.enabled ? await faceSearch(call, session, selfie) : undefined
  const { is_complete_session: _, ...rest } = body
  return searched === undefined ? { ...rest, is_complete_session: true } : { ...rest, face_search: searched, is_complete_session: true }
}
