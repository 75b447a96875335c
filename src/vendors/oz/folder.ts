/**
 * The folder document a multipart `detect` answers (oz-api-lite.md, "detect", the response examples
 * of "Multipart/form-data" and "with Best Shot"): keys in the example's order, the request's
 * payload echoed, one QUALITY analysis per requested analysis, temporary ids, times in seconds on
 * the virtual clock, and the document example's constants (`null`, `{}`, `"[]"`) elsewhere.
 * Everything here is built from values the service decided (scores, resolutions).
 */
import type { Random } from '../../core/random.js'
import { loadSharp } from '../../core/sharp.js'
import { md5, type ReadMedia } from './media.js'
import type { AnalysisValue, DetectPayloadValue, FolderValue, MediaValue } from './schemas.js'
import { round } from './template.js'

/** confs.threshold_replay of every analysis (the document's example). */
const THRESHOLD_REPLAY = 0.5

type AnalysisRequest = NonNullable<DetectPayloadValue['analyses']>[number]

/** One requested analysis, decided: its threshold, each media's attack score, its resolution. */
export interface AnalysisPlan {
  request: AnalysisRequest
  threshold: number
  /** The attack score (confidence_spoofing) of each media, in input order. */
  scores: number[]
  declined: boolean
}

export interface FolderContext {
  random: Random
  namespace: string
  nowMs: number
  /** The liveness_threshold setting (confs.threshold_liveness). */
  livenessThreshold: number
}

interface ImageInfoValue { md5: string, width: number, height: number, size: number, 'mime-type': string }
interface Shot { jpeg: Buffer, info: ImageInfoValue }

/** The ids and the time shared by the parts of one document. */
interface Ids {
  folderId: string
  mediaIds: string[]
  /** Seconds since the epoch. */
  t: number
}

/** A UUID (version 4 layout) from hex digits: temporary ids that are deterministic for tests. */
export function uuid (hex: string): string {
  const h = hex.slice(0, 32).split('')
  h[12] = '4'
  h[16] = '89ab'[Number.parseInt(h[16] ?? '0', 16) % 4] as string
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
}

/** New for each call and each virtual instant: the namespace, the time and the media's contents. */
function idsOf (ctx: FolderContext, media: ReadMedia[]): Ids {
  const folderId = uuid(ctx.random.hash('oz.folder', ctx.namespace, ctx.nowMs, ...media.map((m) => m.md5)))
  return { folderId, mediaIds: media.map((m) => uuid(ctx.random.hash('oz.media', folderId, m.key))), t: ctx.nowMs / 1000 }
}

/** The document's best-shot name is the repr of a Python imaging object; reproduced with a stable address. */
function pilName (random: Random, width: number, height: number, key: string): string {
  const address = random.hash('oz.best_shot.address', key).slice(0, 12)
  return `<PIL.JpegImagePlugin.JpegImageFile image mode=RGB size=${width}x${height} at 0x${address.toUpperCase()}>`
}

/** A neutral grey JPEG of the face-region size of a media that is never decoded (a video). */
async function greyShot (m: ReadMedia): Promise<Buffer> {
  const width = Math.max(1, Math.min(m.width > 0 ? m.width : 640, 4096))
  const height = Math.max(1, Math.min(m.height > 0 ? m.height : 480, 4096))
  const size = { width: Math.max(1, Math.round(width * 0.6)), height: Math.max(1, Math.round(height * 0.8)) }
  return await (await loadSharp())({ create: { ...size, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg({ quality: 85 }).toBuffer()
}

/**
 * The best shot: a JPEG crop of the face region of the picture. No face is located; the region is
 * the upper-centre box where a selfie has its face (60% of the width, 80% of the height). A video is
 * never decoded: its best shot is a neutral grey frame of its size (README, "Divergences").
 */
export async function bestShot (m: ReadMedia): Promise<Shot> {
  const best = m.best
  const jpeg = best === undefined
    ? await greyShot(m)
    : await best.crop({ left: best.width * 0.2, top: best.height * 0.08, width: best.width * 0.6, height: best.height * 0.8 }, 'jpeg')
  const meta = await (await loadSharp())(jpeg).metadata()
  return { jpeg, info: { md5: md5(jpeg), width: meta.width ?? 0, height: meta.height ?? 0, size: jpeg.length, 'mime-type': 'image/jpeg' } }
}

function mediaInfo (m: ReadMedia): MediaValue['info'] {
  const size = m.bytes.length
  switch (m.kind) {
    case 'image': return { thumb: null, original: { md5: m.md5, width: m.width, height: m.height, size, 'mime-type': m.mime } }
    case 'video': return { thumb: null, video: { duration: round(m.video.duration, 2), FPS: round(m.video.fps, 2), width: m.width, height: m.height, md5: m.md5, size, 'mime-type': m.mime } }
    case 'archive': return { thumb: null, shots_set: { frames: m.frames, width: m.width, height: m.height, md5: m.md5, size, 'mime-type': m.mime } }
  }
}

const MEDIA_TYPE = { image: 'IMAGE_FOLDER', video: 'VIDEO_FOLDER', archive: 'SHOTS_SET' } as const

function mediaEntry (m: ReadMedia, folderId: string, mediaId: string, t: number, payload: DetectPayloadValue): MediaValue {
  const entry: MediaValue = {
    folder_id: folderId,
    media_id: mediaId,
    media_type: MEDIA_TYPE[m.kind],
    info: mediaInfo(m),
    tags: payload['media:tags']?.[m.key] ?? [],
    original_name: m.filename ?? m.key,
    original_url: null,
    company_id: null,
    technical_meta_data: {},
    time_created: t,
    time_updated: t,
    meta_data: payload['media:meta_data']?.[m.key] ?? {},
    thumb_url: null,
    folder_time_created: null
  }
  // The document shows video media only (video_id, video_url); images get the image_ names.
  if (m.kind === 'image') Object.assign(entry, { image_id: mediaId, image_url: null })
  else Object.assign(entry, { video_id: mediaId, video_url: null })
  return entry
}

/** output_images[0] of a result asking for the best shot (the document's "with Best Shot" example). */
function outputImage (ctx: FolderContext, ids: Ids, m: ReadMedia, i: number, analysisIndex: number, shot: Shot): AnalysisValue['results_media'][number]['output_images'][number] {
  const mediaId = ids.mediaIds[i] as string
  return {
    folder_id: ids.folderId,
    media_id: uuid(ctx.random.hash('oz.best_shot', ids.folderId, m.key, analysisIndex)),
    media_type: 'IMAGE_RESULT_ANALYSIS_SINGLE',
    info: { thumb: null, original: shot.info },
    tags: [],
    original_name: pilName(ctx.random, shot.info.width, shot.info.height, `${ids.folderId}/${m.key}`),
    original_url: null,
    company_id: null,
    technical_meta_data: {},
    time_created: ids.t,
    time_updated: ids.t,
    meta_data: null,
    folder_time_created: null,
    image_b64: shot.jpeg.toString('base64'),
    media_association_id: mediaId
  }
}

interface Built { ids: Ids, entries: MediaValue[], shots: Shot[] }

function resultsMedia (ctx: FolderContext, built: Built, media: ReadMedia[], plan: AnalysisPlan, analysisIndex: number, extract: boolean): AnalysisValue['results_media'] {
  return media.map((m, i) => ({
    company_id: null,
    media_association_id: built.ids.mediaIds[i] as string,
    analysis_id: null,
    results_data: { confidence_spoofing: plan.scores[i] as number },
    source_media_id: built.ids.mediaIds[i] as string,
    output_images: extract ? [outputImage(ctx, built.ids, m, i, analysisIndex, built.shots[i] as Shot)] : [],
    collection_persons: [],
    folder_time_created: null
  }))
}

/** confs: the document's defaults, the analysis' threshold, then its other params as sent. */
function confsOf (ctx: FolderContext, plan: AnalysisPlan): AnalysisValue['confs'] {
  const { threshold_spoofing: _ts, extract_best_shot: extract, ...otherParams } = plan.request.params ?? {}
  return { threshold_replay: THRESHOLD_REPLAY, extract_best_shot: extract === true, threshold_liveness: ctx.livenessThreshold, threshold_spoofing: plan.threshold, ...otherParams }
}

function analysisEntry (ctx: FolderContext, built: Built, media: ReadMedia[], plan: AnalysisPlan, index: number): AnalysisValue {
  const confs = confsOf(ctx, plan)
  const resolution = plan.declined ? 'DECLINED' : 'SUCCESS'
  const { folderId, t } = built.ids
  return {
    analyse_id: null,
    analysis_id: null,
    folder_id: folderId,
    folder_time_created: null,
    type: 'QUALITY',
    state: 'FINISHED',
    company_id: null,
    group_id: null,
    results_data: null,
    confs,
    error_message: null,
    error_code: null,
    resolution_operator: null,
    technical_meta_data: {},
    time_created: t,
    time_updated: t,
    meta_data: plan.request.meta_data ?? {},
    source_media: built.entries,
    results_media: resultsMedia(ctx, built, media, plan, index, confs.extract_best_shot),
    resolution_status: resolution,
    resolution
  }
}

function folderOf (built: Built, payload: DetectPayloadValue, analyses: AnalysisValue[]): FolderValue {
  const { folderId, t } = built.ids
  return {
    company_id: null,
    time_created: t,
    folder_id: folderId,
    user_id: null,
    resolution_endpoint: payload.resolution_endpoint ?? null,
    resolution_status: 'FINISHED',
    resolution_comment: '[]',
    // The folder follows its analyses (vendor-notes, Oz rulings).
    system_resolution: analyses.some((a) => a.resolution === 'DECLINED') ? 'DECLINED' : 'SUCCESS',
    resolution_time: null,
    resolution_author_id: null,
    resolution_state_hash: null,
    operator_comment: null,
    operator_status: null,
    is_cleared: null,
    meta_data: payload['folder:meta_data'] ?? {},
    technical_meta_data: {},
    time_updated: t,
    media: built.entries,
    analyses
  }
}

/** The folder document of the media read, the payload sent and the analyses decided. */
export async function folderDocument (ctx: FolderContext, media: ReadMedia[], payload: DetectPayloadValue, plans: AnalysisPlan[]): Promise<FolderValue> {
  const ids = idsOf(ctx, media)
  const entries = media.map((m, i) => mediaEntry(m, ids.folderId, ids.mediaIds[i] as string, ids.t, payload))
  const wantBest = plans.some((p) => p.request.params?.extract_best_shot === true)
  const shots = wantBest ? await Promise.all(media.map(async (m) => await bestShot(m))) : []
  const built: Built = { ids, entries, shots }
  return folderOf(built, payload, plans.map((plan, i) => analysisEntry(ctx, built, media, plan, i)))
}
