/**
 * POST /liveness/ behaviour, in the vendor's order (vendor-notes, Rulings: real checks first, then
 * the scenario's outcome): API key (001, before the body is read) → request format (004) → base64
 * and image decoding (002) → size (003) → outcome (default live, or the scenario's error / verdict /
 * score). Image failures are core's ImageError kinds, answered through the failure table (errors.ts).
 */
import { decodeBase64 } from '../../core/images.js'
import type { Call } from '../../core/vendor/call.js'
import { catalogue } from './errors.js'
import type { GtriipOutcome, GtriipSettings } from './schemas.js'

type GtriipCall = Call<GtriipSettings>

/** The selfie as the client sent it: file bytes, or base64 text (document, "Request Fields"). */
export type Selfie = { bytes: Buffer } | { base64: string }

export interface LivenessInput {
  /** Undefined when the request carries neither `image` nor a non-empty `image_bytes`. */
  selfie: Selfie | undefined
  /** The request's fields as scenario rules match them. */
  fields: unknown
}

export interface LivenessAnswer { result: { liveness: boolean, score: number }, success: true }

/** 001 unless the `x-api-key` value authenticates (checked before the body is read). */
export function authenticate (call: GtriipCall, apiKey: unknown): void {
  if (!call.acceptsKey(apiKey)) throw catalogue.error('001')
}

export async function liveness (call: GtriipCall, input: LivenessInput): Promise<LivenessAnswer> {
  if (input.selfie === undefined) throw catalogue.error('004')
  // Plain base64, as the document says: a data: URI does not decode (vendor-notes, second round).
  const bytes = 'bytes' in input.selfie ? input.selfie.bytes : decodeBase64(input.selfie.base64, { dataUri: false })
  // The emulated engine needs no pixels: a check that the whole image decodes is enough.
  const { sha256 } = await call.images.verify(bytes, { maxBytes: call.settings.max_image_bytes })
  const outcome = call.decideOrThrow<GtriipOutcome>({ body: input.fields })
  const threshold = call.settings.liveness_threshold
  const score = outcome.score ?? generatedScore(call, sha256, outcome.liveness !== false)
  return { result: { liveness: outcome.liveness ?? score >= threshold, score }, success: true }
}

/** Deterministic per image: live scores sit above the threshold, spoof scores below it. */
function generatedScore (call: GtriipCall, sha256: string, live: boolean): number {
  const threshold = call.settings.liveness_threshold
  const u = call.random.unit('gtriip.liveness', sha256)
  return live ? threshold + (1 - threshold) * (0.05 + 0.9 * u) : threshold * (0.2 + 0.75 * u)
}
