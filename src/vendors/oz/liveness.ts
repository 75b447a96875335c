/**
 * Liveness `detect` (oz-api-lite.md, "detect – presentation attack detection"):
 *
 * - a raw JPEG/PNG body answers `{passed, score}`, score being the probability of an attack;
 * - a multipart body (media parts and an optional `payload` JSON part) answers the folder document
 *   of the document's example: media with their info, the payload's tags and meta_data echoed,
 *   one QUALITY analysis per payload analysis with its confs, confidence_spoofing per media, the
 *   resolution by threshold (vendor-notes, Oz rulings: DECLINED when score > threshold), temporary
 *   ids, times from the virtual clock, and the best shot when asked. With `resolution_endpoint`,
 *   the same document is POSTed there after the response.
 *
 * Order of decisions: request content type (LDE-002001), payload (LDE-002005), each media readable
 * (LDE-002004), then the scenario's outcome.
 */
import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import sharp from 'sharp'
import { decodeImage, ImageError, sniffFormat, type DecodedImage } from '../../core/images.js'
import { isMp4, Mp4Error, readMp4, type Mp4Info } from '../../core/media/mp4.js'
import { isZip, readZip, ZipError } from '../../core/media/zip.js'
import type { MultipartFile } from '../../core/multipart.js'
import type { VendorContext } from '../../core/vendor.js'
import { ozError } from './errors.js'
import { base64Mode, fromTransfer, isImageType, mediaType, multipartBody, rawImageBody } from './input.js'
import { outcomeOf } from './outcome.js'
import { DetectPayload, type AnalysisValue, type DetectPayloadValue, type FolderValue, type MediaValue, type OzOutcome, type OzSettings } from './schemas.js'
import { round } from './template.js'

type Ctx = VendorContext<OzSettings>

/** Defaults of an analysis' confs (the document's example; threshold_spoofing per the rulings). */
const THRESHOLD_REPLAY = 0.5

function md5 (bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex')
}

/** A UUID (version 4 layout) from hex digits: temporary ids that are deterministic for tests. */
function uuid (hex: string): string {
  const h = hex.slice(0, 32).split('')
  h[12] = '4'
  h[16] = '89ab'[Number.parseInt(h[16] ?? '0', 16) % 4] as string
  const s = h.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`
}

/**
 * The attack score of a media. Precedence: the scenario's scores[index], its score; with
 * `passed`, a score on that side of the threshold; by default a low score (live) derived from the
 * media's content, independent of the per-request threshold, as a real model's would be.
 */
function attackScore (ctx: Ctx, outcome: OzOutcome, key: string, threshold: number, index: number): number {
  const chosen = outcome.scores?.[index] ?? outcome.score
  if (chosen !== undefined) return chosen
  const u = ctx.core.random.unit('oz.detect', key)
  if (outcome.passed === false) return round(threshold + (1 - threshold) * (0.9 + 0.0999 * u), 9)
  const base = outcome.passed === true ? threshold : Math.min(ctx.settings.liveness_threshold, 0.5)
  return round(base * (0.0002 + 0.0198 * u), 9)
}

function imageError (err: unknown, what: string): never {
  if (err instanceof ImageError || err instanceof Mp4Error || err instanceof ZipError) throw ozError('sample', 'LDE', `${what}: ${err.message}`)
  throw err
}

async function decode (ctx: Ctx, bytes: Buffer, what: string): Promise<DecodedImage> {
  try {
    // core's decodeImage rather than the per-request memo: the frames of an archive are released one by one.
    return await decodeImage(bytes, { maxBytes: ctx.settings.max_sample_bytes, maxPixels: ctx.core.config.settings.core.images.max_pixels })
  } catch (err) {
    return imageError(err, what)
  }
}

// ---- raw image ----

export interface DetectResultValue { passed: boolean, score: number }

async function detectImage (ctx: Ctx, request: FastifyRequest): Promise<DetectResultValue> {
  const image = await decode(ctx, rawImageBody(request, 'LDE'), 'the body')
  const outcome = outcomeOf(ctx, request, {})
  const threshold = ctx.settings.liveness_threshold
  const score = attackScore(ctx, outcome, md5(image.bytes), threshold, 0)
  return { passed: outcome.passed ?? score <= threshold, score }
}

// ---- multipart (folder) ----

interface ImageInfoValue { md5: string, width: number, height: number, size: number, 'mime-type': string }

interface ReadMedia {
  key: string
  filename: string | undefined
  bytes: Buffer
  md5: string
  kind: 'image' | 'video' | 'archive'
  width: number
  height: number
  mime: string
  video?: Mp4Info
  frames?: number
  /** The picture the best shot is cut from (the image, or the sharpest frame of an archive). */
  best?: DecodedImage
}

/** JSON text, or undefined. */
function jsonOf (bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * The `payload` part: JSON in both transfer modes; in base64 mode, base64-encoded JSON is tolerated
 * too (the document does not say whether the mode covers it).
 */
function parsePayload (ctx: Ctx, file: MultipartFile | undefined, base64: boolean): DetectPayloadValue {
  if (file === undefined) return {}
  if (file.data.length > ctx.settings.max_payload_bytes) throw ozError('part-type', 'LDE', `the payload part is larger than ${ctx.settings.max_payload_bytes} bytes`)
  let json = jsonOf(file.data)
  if (json === undefined && base64) json = jsonOf(Buffer.from(file.data.toString('latin1'), 'base64'))
  if (json === undefined) throw ozError('part-type', 'LDE', 'the payload part is not JSON')
  const parsed = DetectPayload.safeParse(json)
  if (!parsed.success) {
    throw ozError('part-type', 'LDE', `payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`)
  }
  return parsed.data
}

async function readMedia (ctx: Ctx, file: MultipartFile, base64: boolean, wantBest: boolean): Promise<ReadMedia> {
  const what = `media "${file.field}"`
  const bytes = fromTransfer(file.data, base64, 'sample', 'LDE')
  const common = { key: file.field, filename: file.filename, bytes, md5: md5(bytes) }
  // The declared part type is not checked (vendor-notes, Oz rulings): the bytes say what the media is.
  if (sniffFormat(bytes) !== undefined) {
    const image = await decode(ctx, bytes, what)
    return { ...common, kind: 'image', width: image.width, height: image.height, mime: image.mimeType, ...(wantBest ? { best: image } : {}) }
  }
  if (bytes.length > ctx.settings.max_media_bytes) throw ozError('sample', 'LDE', `${what} has ${bytes.length} bytes; at most ${ctx.settings.max_media_bytes} are accepted`)
  if (isMp4(bytes)) {
    let info: Mp4Info
    try {
      info = readMp4(bytes)
    } catch (err) {
      return imageError(err, what)
    }
    const mime = info.brand === 'qt  ' ? 'video/quicktime' : 'video/mp4'
    return { ...common, kind: 'video', width: info.width, height: info.height, mime, video: info }
  }
  if (isZip(bytes)) {
    let entries
    try {
      entries = readZip(bytes, { maxEntries: ctx.settings.max_archive_entries, maxEntryBytes: ctx.settings.max_sample_bytes, maxTotalBytes: ctx.settings.max_media_bytes })
    } catch (err) {
      return imageError(err, what)
    }
    // Archive tools add metadata files (macOS resource forks, dot files); they are not frames.
    const frames = entries.filter((e) => !e.name.startsWith('__MACOSX/') && !(e.name.split('/').pop() ?? '').startsWith('.'))
    if (frames.length === 0) throw ozError('sample', 'LDE', `${what}: the archive holds no image`)
    let first: DecodedImage | undefined
    let best: { image: DecodedImage, sharpness: number } | undefined
    for (const frame of frames) {
      const image = await decode(ctx, frame.data, `${what}, frame "${frame.name}"`)
      first ??= image
      if (wantBest) {
        // The best shot of a shots set: its sharpest frame.
        const { sharpness } = await image.stats()
        if (best === undefined || sharpness > best.sharpness) best = { image, sharpness }
      }
    }
    const f = first as DecodedImage
    return { ...common, kind: 'archive', width: f.width, height: f.height, mime: 'application/zip', frames: frames.length, ...(best !== undefined ? { best: best.image } : {}) }
  }
  throw ozError('sample', 'LDE', `${what} is neither an image (JPEG, PNG), an MP4 video nor a zip archive of images`)
}

/** The document's best-shot name is the repr of a Python imaging object; reproduced with a stable address. */
function pilName (ctx: Ctx, width: number, height: number, key: string): string {
  const address = ctx.core.random.hash('oz.best_shot.address', key).slice(0, 12)
  return `<PIL.JpegImagePlugin.JpegImageFile image mode=RGB size=${width}x${height} at 0x${address.toUpperCase()}>`
}

/**
 * The best shot: a JPEG crop of the face region of the picture. No face is located; the region is
 * the upper-centre box where a selfie has its face (60% of the width, 80% of the height). A video is
 * never decoded: its best shot is a neutral grey frame of its size (README, "Divergences").
 */
async function bestShot (m: ReadMedia): Promise<{ jpeg: Buffer, info: ImageInfoValue }> {
  let jpeg: Buffer
  if (m.best !== undefined) {
    const w = m.best.width
    const h = m.best.height
    jpeg = await m.best.crop({ left: w * 0.2, top: h * 0.08, width: w * 0.6, height: h * 0.8 }, 'jpeg')
  } else {
    const width = Math.max(1, Math.min(m.width > 0 ? m.width : 640, 4096))
    const height = Math.max(1, Math.min(m.height > 0 ? m.height : 480, 4096))
    jpeg = await sharp({ create: { width: Math.max(1, Math.round(width * 0.6)), height: Math.max(1, Math.round(height * 0.8)), channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg({ quality: 85 }).toBuffer()
  }
  const meta = await sharp(jpeg).metadata()
  return { jpeg, info: { md5: md5(jpeg), width: meta.width ?? 0, height: meta.height ?? 0, size: jpeg.length, 'mime-type': 'image/jpeg' } }
}

function mediaEntry (m: ReadMedia, folderId: string, mediaId: string, t: number, payload: DetectPayloadValue): MediaValue {
  const head = { folder_id: folderId, media_id: mediaId }
  const info: MediaValue['info'] = m.kind === 'image'
    ? { thumb: null, original: { md5: m.md5, width: m.width, height: m.height, size: m.bytes.length, 'mime-type': m.mime } }
    : m.kind === 'video'
      ? { thumb: null, video: { duration: round(m.video?.duration ?? 0, 2), FPS: round(m.video?.fps ?? 0, 2), width: m.width, height: m.height, md5: m.md5, size: m.bytes.length, 'mime-type': m.mime } }
      : { thumb: null, shots_set: { frames: m.frames ?? 0, width: m.width, height: m.height, md5: m.md5, size: m.bytes.length, 'mime-type': m.mime } }
  const entry: MediaValue = {
    ...head,
    media_type: m.kind === 'image' ? 'IMAGE_FOLDER' : m.kind === 'video' ? 'VIDEO_FOLDER' : 'SHOTS_SET',
    info,
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
  if (m.kind === 'image') Object.assign(entry, { image_id: mediaId, image_url: null })
  else Object.assign(entry, { video_id: mediaId, video_url: null })
  return entry
}

/** Callbacks to make once the response is sent (the route's onResponse hook calls sendResolution). */
const pending = new WeakMap<FastifyRequest, { url: string, body: string }>()

async function detectFolder (ctx: Ctx, request: FastifyRequest): Promise<FolderValue> {
  const body = await multipartBody(request, 'LDE')
  const base64 = base64Mode(request)
  const payload = parsePayload(ctx, body.files.find((f) => f.field === 'payload'), base64)
  const mediaFiles = body.files.filter((f) => f.field !== 'payload')
  if (mediaFiles.length === 0) throw ozError('sample', 'LDE', 'no media part: send at least one image, video or archive')
  if (mediaFiles.length > ctx.settings.max_n) throw ozError('sample', 'LDE', `at most ${ctx.settings.max_n} media parts are accepted (settings: oz.max_n)`)
  const seen = new Set<string>()
  for (const f of mediaFiles) {
    // Document: "Each media file should have a unique name, e.g., media_key1, media_key2."
    if (seen.has(f.field)) throw ozError('sample', 'LDE', `two media parts are named "${f.field}"; each media file needs a unique name`)
    seen.add(f.field)
  }
  const analyses = payload.analyses !== undefined && payload.analyses.length > 0 ? payload.analyses : [{ type: 'quality' }]
  const wantBest = analyses.some((a) => a.params?.extract_best_shot === true)
  const media: ReadMedia[] = []
  for (const f of mediaFiles) media.push(await readMedia(ctx, f, base64, wantBest))

  // The request as scenario rules see it: the payload and the media parts.
  request.sandbox.journalBody = { payload, media: media.map((m) => ({ field: m.key, filename: m.filename ?? null, content: m.bytes })) }
  const outcome = outcomeOf(ctx, request, { payload, media: media.map((m) => ({ name: m.key, filename: m.filename ?? null })) })

  const nowMs = ctx.nowMs(request)
  const t = nowMs / 1000
  const folderId = uuid(ctx.core.random.hash('oz.folder', request.sandbox.namespace, nowMs, ...media.map((m) => m.md5)))
  const mediaIds = media.map((m) => uuid(ctx.core.random.hash('oz.media', folderId, m.key)))
  const entries = media.map((m, i) => mediaEntry(m, folderId, mediaIds[i] as string, t, payload))
  const bestShots = wantBest ? await Promise.all(media.map(async (m) => await bestShot(m))) : []

  const results: AnalysisValue[] = analyses.map((a, ai) => {
    const params = a.params ?? {}
    const threshold = params.threshold_spoofing ?? ctx.settings.liveness_threshold
    const extract = params.extract_best_shot === true
    const scores = media.map((m, i) => attackScore(ctx, outcome, m.md5, threshold, i))
    const declined = outcome.passed !== undefined ? !outcome.passed : scores.some((s) => s > threshold)
    const resolution = declined ? 'DECLINED' : 'SUCCESS'
    const { threshold_spoofing: _ts, extract_best_shot: _eb, ...otherParams } = params
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
      confs: { threshold_replay: THRESHOLD_REPLAY, extract_best_shot: extract, threshold_liveness: ctx.settings.liveness_threshold, threshold_spoofing: threshold, ...otherParams },
      error_message: null,
      error_code: null,
      resolution_operator: null,
      technical_meta_data: {},
      time_created: t,
      time_updated: t,
      meta_data: a.meta_data ?? {},
      source_media: entries,
      results_media: media.map((m, i) => ({
        company_id: null,
        media_association_id: mediaIds[i] as string,
        analysis_id: null,
        results_data: { confidence_spoofing: scores[i] as number },
        source_media_id: mediaIds[i] as string,
        output_images: extract
          ? [(() => {
              const shot = bestShots[i] as { jpeg: Buffer, info: ImageInfoValue }
              return {
                folder_id: folderId,
                media_id: uuid(ctx.core.random.hash('oz.best_shot', folderId, m.key, ai)),
                media_type: 'IMAGE_RESULT_ANALYSIS_SINGLE' as const,
                info: { thumb: null, original: shot.info },
                tags: [],
                original_name: pilName(ctx, shot.info.width, shot.info.height, `${folderId}/${m.key}`),
                original_url: null,
                company_id: null,
                technical_meta_data: {},
                time_created: t,
                time_updated: t,
                meta_data: null,
                folder_time_created: null,
                image_b64: shot.jpeg.toString('base64'),
                media_association_id: mediaIds[i] as string
              }
            })()]
          : [],
        collection_persons: [],
        folder_time_created: null
      })),
      resolution_status: resolution,
      resolution
    }
  })

  const folder: FolderValue = {
    company_id: null,
    time_created: t,
    folder_id: folderId,
    user_id: null,
    resolution_endpoint: payload.resolution_endpoint ?? null,
    resolution_status: 'FINISHED',
    resolution_comment: '[]',
    // The folder follows its analyses (vendor-notes, Oz rulings).
    system_resolution: results.some((r) => r.resolution === 'DECLINED') ? 'DECLINED' : 'SUCCESS',
    resolution_time: null,
    resolution_author_id: null,
    resolution_state_hash: null,
    operator_comment: null,
    operator_status: null,
    is_cleared: null,
    meta_data: payload['folder:meta_data'] ?? {},
    technical_meta_data: {},
    time_updated: t,
    media: entries,
    analyses: results
  }
  if (payload.resolution_endpoint !== undefined && ctx.settings.resolution_callback) {
    pending.set(request, { url: payload.resolution_endpoint, body: JSON.stringify(folder) })
  }
  return folder
}

/** POST /v1/face/liveness/detect. */
export async function detect (ctx: Ctx, request: FastifyRequest): Promise<DetectResultValue | FolderValue> {
  if (request.isMultipart()) return await detectFolder(ctx, request)
  if (isImageType(mediaType(request))) return await detectImage(ctx, request)
  throw ozError('content-type', 'LDE', 'detect takes image/jpeg, image/png or multipart/form-data')
}

/**
 * After the response: POST the folder to its resolution_endpoint through core's outbound calls
 * (allow-listed hosts only, timeout, retries, journaled as oz.resolution_callback).
 */
export function sendResolution (ctx: Ctx, request: FastifyRequest): void {
  const call = pending.get(request)
  if (call === undefined) return
  pending.delete(request)
  ctx.core.outbound.post({
    namespace: request.sandbox.namespace,
    vendor: 'oz',
    operation: 'oz.resolution_callback',
    url: call.url,
    headers: { 'content-type': 'application/json' },
    body: call.body,
    time: () => ctx.now(request).toISOString()
  })
}
