/**
 * Liveness `detect` (oz-api-lite.md, "detect – presentation attack detection"):
 *
 * - a raw JPEG/PNG body answers `{passed, score}`, score being the probability of an attack;
 * - a multipart body (media parts and an optional `payload` JSON part) answers the folder document
 *   (folder.ts), with the resolution of each analysis by its threshold (vendor-notes, Oz rulings:
 *   DECLINED when score > threshold). With `resolution_endpoint`, the same document is POSTed
 *   there after the response (core's outbound calls: allow-listed hosts, retries, journaled as
 *   `oz.resolution_callback`).
 *
 * Order of decisions: request content type (LDE-002001), payload (LDE-002005), each media readable
 * (LDE-002004), then the scenario's outcome.
 */
import type { MultipartFile } from '../../../core/multipart.js'
import type { Call } from '../../../core/vendor/call.js'
import { ozError } from '../errors.js'
import { folderDocument, type AnalysisPlan } from '../folder.js'
import { decodeSample, isImageType, rawImage, type PartsInput, type RawBody } from '../input.js'
import { md5, readMedia, readPayload, type ReadMedia } from '../media.js'
import type { DetectPayloadValue, FolderValue, OzOutcome, OzSettings } from '../schemas.js'
import { round } from '../template.js'

type OzCall = Call<OzSettings>

/** A detect request as the route read it: an image body, or a multipart folder. */
export type DetectInput = { image: RawBody } | { folder: PartsInput }

export interface DetectResultValue { passed: boolean, score: number }

/**
 * The attack score of a media. Precedence: the scenario's scores[index], its score; with
 * `passed`, a score on that side of the threshold; by default a low score (live) derived from the
 * media's content, independent of the per-request threshold, as a real model's would be.
 */
export function attackScore (call: OzCall, outcome: OzOutcome, key: string, threshold: number, index: number): number {
  const chosen = outcome.scores?.[index] ?? outcome.score
  if (chosen !== undefined) return chosen
  const u = call.random.unit('oz.detect', key)
  if (outcome.passed === false) return round(threshold + (1 - threshold) * (0.9 + 0.0999 * u), 9)
  const base = outcome.passed === true ? threshold : Math.min(call.settings.liveness_threshold, 0.5)
  return round(base * (0.0002 + 0.0198 * u), 9)
}

async function detectImage (call: OzCall, body: RawBody): Promise<DetectResultValue> {
  const image = await decodeSample(call, rawImage(body, 'LDE'), 'the body', 'LDE')
  const outcome = call.decideOrThrow<OzOutcome>({ body: {} })
  const threshold = call.settings.liveness_threshold
  const score = attackScore(call, outcome, md5(image.bytes), threshold, 0)
  return { passed: outcome.passed ?? score <= threshold, score }
}

/** The media parts: every part but `payload`, at least one, at most max_n, each name once. */
function mediaParts (call: OzCall, files: MultipartFile[]): MultipartFile[] {
  const media = files.filter((f) => f.field !== 'payload')
  if (media.length === 0) throw ozError('sample', 'LDE', 'no media part: send at least one image, video or archive')
  if (media.length > call.settings.max_n) throw ozError('sample', 'LDE', `at most ${call.settings.max_n} media parts are accepted (settings: oz.max_n)`)
  const seen = new Set<string>()
  for (const f of media) {
    // Document: "Each media file should have a unique name, e.g., media_key1, media_key2."
    if (seen.has(f.field)) throw ozError('sample', 'LDE', `two media parts are named "${f.field}"; each media file needs a unique name`)
    seen.add(f.field)
  }
  return media
}

/** The requested analyses; none (or an empty list) runs one quality analysis with default params. */
function analysesOf (payload: DetectPayloadValue): NonNullable<DetectPayloadValue['analyses']> {
  return payload.analyses !== undefined && payload.analyses.length > 0 ? payload.analyses : [{ type: 'quality' }]
}

/** Each analysis decided: its threshold (threshold_spoofing, else the setting), scores and resolution. */
function plan (call: OzCall, outcome: OzOutcome, media: ReadMedia[], analyses: NonNullable<DetectPayloadValue['analyses']>): AnalysisPlan[] {
  return analyses.map((request) => {
    const threshold = request.params?.threshold_spoofing ?? call.settings.liveness_threshold
    const scores = media.map((m, i) => attackScore(call, outcome, m.md5, threshold, i))
    const declined = outcome.passed !== undefined ? !outcome.passed : scores.some((s) => s > threshold)
    return { request, threshold, scores, declined }
  })
}

async function detectFolder (call: OzCall, input: PartsInput): Promise<FolderValue> {
  const payload = readPayload(call.settings, input.body.files.find((f) => f.field === 'payload'), input.base64)
  const files = mediaParts(call, input.body.files)
  const analyses = analysesOf(payload)
  const wantBest = analyses.some((a) => a.params?.extract_best_shot === true)
  const media: ReadMedia[] = []
  for (const f of files) media.push(await readMedia(call, f, input.base64, wantBest))
  call.recordBody({ payload, media: media.map((m) => ({ field: m.key, filename: m.filename ?? null, content: m.bytes })) })
  // The request as scenario rules see it: the payload and the media parts.
  const outcome = call.decideOrThrow<OzOutcome>({ body: { payload, media: media.map((m) => ({ name: m.key, filename: m.filename ?? null })) } })
  const context = { random: call.random, namespace: call.namespace, nowMs: call.nowMs(), livenessThreshold: call.settings.liveness_threshold }
  const folder = await folderDocument(context, media, payload, plan(call, outcome, media, analyses))
  if (payload.resolution_endpoint !== undefined && call.settings.resolution_callback) {
    call.callback({ operation: 'oz.resolution_callback', url: payload.resolution_endpoint, headers: { 'content-type': 'application/json' }, body: JSON.stringify(folder) })
  }
  return folder
}

/** POST /v1/face/liveness/detect. */
export async function detect (call: OzCall, input: DetectInput): Promise<DetectResultValue | FolderValue> {
  if ('folder' in input) return await detectFolder(call, input.folder)
  if (!isImageType(input.image.mediaType)) throw ozError('content-type', 'LDE', 'detect takes image/jpeg, image/png or multipart/form-data')
  return await detectImage(call, input.image)
}
