/**
 * The FPT.AI eKYC full flow (fpt-ekyc.vi.md, Steps 1-4; vendor-notes, FPT rulings): a session is
 * created by init, lives 30 minutes (configurable) from then, takes the document's front and back
 * (or both at once, or a passport's one page) through OCR, then selfies through liveness until one
 * passes or the retry limit is used up; either ends the session.
 *
 * On every route the vendor's real checks come first (headers, session, call order, files, image
 * decoding and quality), then the scenario's outcome replaces what the engine would decide
 * (vendor-notes, rulings). Header checks run in `onRequest` (before any body is read), so a
 * request without a key is refused whatever it carries.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { SandboxError } from '../../core/errors.js'
import { hashDistance, ImageError, type DecodedImage } from '../../core/images.js'
import { MultipartError, readMultipart, type MultipartBody } from '../../core/multipart.js'
import type { VendorContext } from '../../core/vendor.js'
import { vietnamToday } from './dates.js'
import { catalogue, entries, livenessRefusal, type FaceSearchHit, type LivenessBody, NA, OPERATION_ERRORS, type FptKey, type ResultCode, type Shape } from './errors.js'
import { DOCUMENT_TYPES, FIELD_NAMES_VI, generateIdentity, HolderFactError, renderBack, renderFront, type DocumentType, type Fields, type Identity } from './identity.js'
import { postCheck } from './postcheck.js'
import { DEVICE_TYPES, type DeviceType, type FptOutcome, type FptSettings } from './schemas.js'
import type { FptStore, SessionRow } from './store.js'

type Ctx = VendorContext<FptSettings>
type Lang = 'en' | 'vi'
type Entry = [key: string, value: string, score: string]

/** Longest session-id looked up; longer ones cannot be ours (ours are UUIDs). */
const MAX_SESSION_ID = 128

function header (request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined || s === '' ? undefined : s
}

/** `api-key`, or `api_key` as the document's tables spell it (vendor-notes, ruling FPT; ambiguity 19). */
function apiKey (request: FastifyRequest): string | undefined {
  return header(request, 'api-key') ?? header(request, 'api_key')
}

function isDeviceType (v: string | undefined): v is DeviceType {
  return (DEVICE_TYPES as readonly string[]).includes(v ?? '')
}

function langOf (request: FastifyRequest): Lang {
  return header(request, 'lang') === 'vi' ? 'vi' : 'en'
}

export interface InitAnswer {
  code: '200'
  message: string
  'session-id': string
  sdk_config: { is_show_ekyc_result: boolean, ekyc_flow: number, liveness_type: number, is_skip_nfc: boolean, limit: number }
}

export interface OcrAnswer {
  data: Array<{ key: string, locale: string, name: string, score: string, value: string }>
  errorCode: string
  errorMessage: string
  total_data: unknown[]
}

export type LivenessAnswer = LivenessBody

export class FptService {
  /** The session each request was checked against in onRequest. */
  private readonly sessions = new WeakMap<FastifyRequest, SessionRow>()
  private readonly contrast = new WeakMap<DecodedImage, number>()

  constructor (private readonly ctx: Ctx, private readonly store: FptStore) {}

  // --- Step 1: POST /session/init ----------------------------------------------------------

  /** Init's table: a missing or refused key first (ruling FPT: key before device-type), then device-type. */
  checkInit (request: FastifyRequest): void {
    if (!this.ctx.core.acceptsKey(apiKey(request))) throw catalogue.error('401', { shape: 'init' })
    if (!isDeviceType(header(request, 'device-type'))) throw catalogue.error('400-device-type', { shape: 'init' })
  }

  init (request: FastifyRequest): InitAnswer {
    const device = header(request, 'device-type') as DeviceType
    const { outcome } = this.ctx.decide<FptOutcome>(request)
    this.refuse(request, outcome, 'init')
    const c = { ...this.ctx.settings.sdk_config[device], ...outcome?.sdk_config }
    const id = randomUUID()
    this.store.create(request.sandbox.namespace, id, device, this.ctx.nowMs(request), this.ctx.settings.session_lifetime_seconds * 1000, c.limit)
    this.ctx.bindSession(request, id)
    return {
      code: '200',
      message: 'success',
      'session-id': id,
      sdk_config: { is_show_ekyc_result: c.is_show_ekyc_result, ekyc_flow: c.ekyc_flow, liveness_type: c.liveness_type, is_skip_nfc: c.is_skip_nfc, limit: c.limit }
    }
  }

  // --- Steps 2 and 3: POST /ocr ------------------------------------------------------------

  /**
   * The general table ("Các mã lỗi chung"), all before any image is looked at: key, device-type,
   * document-type (missing, then invalid), session-id ("uuid must be provided", ambiguity 21),
   * session (403), lang ("country code value is invalid", ambiguity 22).
   */
  checkOcr (request: FastifyRequest): void {
    const refuse = (key: FptKey): never => { throw catalogue.error(key, { shape: 'ocr' }) }
    if (!this.ctx.core.acceptsKey(apiKey(request))) refuse('400-api-key')
    if (!isDeviceType(header(request, 'device-type'))) refuse('400-device-type')
    const doc = header(request, 'document-type')
    if (doc === undefined) refuse('400-document-type-missing')
    if (!(DOCUMENT_TYPES as readonly string[]).includes(doc as string)) refuse('400-document-type-invalid')
    const session = this.openSession(request, () => refuse('400-uuid'), () => refuse('403'))
    const lang = header(request, 'lang')
    if (lang !== undefined && lang !== 'en' && lang !== 'vi') refuse('400-country-code')
    this.sessions.set(request, session)
  }

  async ocr (request: FastifyRequest): Promise<OcrAnswer> {
    const session = this.sessions.get(request) as SessionRow
    const ns = request.sandbox.namespace
    const doc = header(request, 'document-type') as DocumentType
    const side = header(request, 'side-type')
    if (side !== undefined && side !== 'front' && side !== 'back') throw catalogue.error('1')
    // A passport has one page: asking for its back side is the wrong side-type (E110).
    if (doc === 'passport' && side === 'back') throw catalogue.error('E110')
    const mode: 'front' | 'back' | 'both' = doc === 'passport' ? 'front' : side === 'front' ? 'front' : side === 'back' ? 'back' : 'both'

    // Call order (ambiguity 27): the back needs this document's front; the front is taken once.
    if (session.state === 'new') {
      if (mode === 'back') throw catalogue.error('E101')
    } else if (mode !== 'back') {
      throw catalogue.error('E103')
    } else if (session.document_type !== doc) {
      throw catalogue.error('E101')
    }

    const parts = await this.readParts(request, '1', '7')
    const files = parts.files.filter((f) => f.field === 'files')
    // One file with side-type or for a passport, else front and back (Step 2, "Request Body").
    if (files.length !== (mode === 'both' ? 2 : 1)) throw catalogue.error('1')
    const images: DecodedImage[] = []
    for (const f of files) images.push(await this.documentImage(f.data))

    const { outcome } = this.ctx.decide<FptOutcome>(request, { session: session.session_id, body: parts.fields })
    this.refuse(request, outcome, 'ocr')

    const today = vietnamToday(this.ctx.nowMs(request))
    const overrides = outcome?.fields ?? {}
    let identity: Identity
    let front: Fields
    let frontScores: Map<string, string>
    const frontImage = mode === 'back' ? undefined : images[0] as DecodedImage
    if (frontImage !== undefined) {
      const holder = outcome?.holder ?? {}
      try {
        identity = generateIdentity(this.ctx.core.random, [frontImage.sha256, JSON.stringify(holder), today.y, today.m, today.d], doc, holder, today)
      } catch (err) {
        if (err instanceof HolderFactError) throw new SandboxError('invalid-scenario-outcome', err.message, 500)
        throw err
      }
      front = renderFront(identity, overrides)
      frontScores = this.scores(front, frontImage)
    } else {
      identity = JSON.parse(session.identity as string) as Identity
      const stored = JSON.parse(session.front as string) as Entry[]
      front = new Map(stored.map(([k, v]) => [k, v]))
      frontScores = new Map(stored.map(([k, , s]) => [k, s]))
    }
    const backImage = mode === 'front' ? undefined : images[images.length - 1] as DecodedImage
    const back = backImage === undefined ? undefined : renderBack(identity, front, overrides)

    const failed = postCheck({ doc, front, back, backType: identity.backType, today })
    if (failed !== undefined) throw catalogue.error(failed)

    const frontEntries: Entry[] = [...front].map(([k, v]) => [k, v, frontScores.get(k) ?? ''])
    if (frontImage !== undefined) {
      const next = mode === 'both' || doc === 'passport' ? 'ocr_done' : 'front'
      const hash = await frontImage.perceptualHash()
      if (!this.store.recordFront(ns, session.session_id, next, doc, JSON.stringify(identity), JSON.stringify(frontEntries), hash)) {
        throw catalogue.error('E103') // another call took the front meanwhile
      }
    } else if (!this.store.recordBack(ns, session.session_id)) {
      throw catalogue.error('403') // the session ended meanwhile
    }

    const lang = langOf(request)
    const all: Entry[] = [...frontEntries]
    if (back !== undefined && backImage !== undefined) {
      const scores = this.scores(back, backImage)
      for (const [k, v] of back) all.push([k, v, scores.get(k) ?? ''])
    }
    return {
      data: all.map(([key, value, score]) => ({ key, locale: 'vn', name: lang === 'vi' ? FIELD_NAMES_VI[key] ?? key : key, score, value })),
      errorCode: '0',
      errorMessage: '',
      total_data: []
    }
  }

  /** OCR confidence per field, deterministic per image and field. */
  private scores (fields: Fields, image: DecodedImage): Map<string, string> {
    const out = new Map<string, string>()
    for (const k of fields.keys()) out.set(k, this.ctx.core.random.between(90, 99.99, 2, 'fpt.ocr.score', image.sha256, k).toFixed(2))
    return out
  }

  /**
   * An image the engine can work on: decodable (7), showing something (3), then quality in the
   * ruling's order: QC01 resolution, QC04 luminance, QC02 bright spots, QC03 blur (a too dark or
   * too bright image cannot be judged for blur).
   */
  private async documentImage (bytes: Buffer): Promise<DecodedImage> {
    const q = this.ctx.settings.quality
    const max = this.ctx.settings.max_image_bytes
    if (bytes.length > max) throw catalogue.error('7')
    let image: DecodedImage
    try {
      image = await this.ctx.core.images.decode(bytes, { maxBytes: max })
    } catch (err) {
      if (err instanceof ImageError) throw catalogue.error('7')
      throw err
    }
    if (this.greyDeviation(image) < q.min_contrast) throw catalogue.error('3')
    if (image.width < q.min_width || image.height < q.min_height) throw catalogue.error('QC01')
    const s = await image.stats()
    if (s.brightness < q.min_brightness || s.brightness > q.max_brightness) throw catalogue.error('QC04')
    if (s.brightRatio > q.max_bright_ratio) throw catalogue.error('QC02')
    if (s.sharpness < q.min_sharpness) throw catalogue.error('QC03')
    return image
  }

  /** Standard deviation of the grey level (BT.601 luma): about 0 for a flat picture, 10-60 for a photo. */
  private greyDeviation (image: DecodedImage): number {
    let v = this.contrast.get(image)
    if (v === undefined) {
      const p = image.pixels
      let sum = 0
      let sq = 0
      for (let i = 0; i < p.length; i += 3) {
        const l = 0.299 * (p[i] as number) + 0.587 * (p[i + 1] as number) + 0.114 * (p[i + 2] as number)
        sum += l
        sq += l * l
      }
      const n = p.length / 3
      v = Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2))
      this.contrast.set(image, v)
    }
    return v
  }

  // --- Step 4: POST /face/liveness ---------------------------------------------------------

  /** Request-level refusals, in the liveness body shape (our choices where the document is silent; README). */
  checkLiveness (request: FastifyRequest): void {
    const refuse = (key: FptKey, complete = false): never => { throw catalogue.error(key, { shape: 'liveness', is_complete_session: complete }) }
    if (!this.ctx.core.acceptsKey(apiKey(request))) refuse('401')
    if (!isDeviceType(header(request, 'device-type'))) refuse('400-device-type')
    const session = this.openSession(request, () => refuse('400-uuid'), () => refuse('403', true))
    const lang = header(request, 'lang')
    if (lang !== undefined && lang !== 'en' && lang !== 'vi') refuse('400-country-code')
    // "Sau khi bước OCR đã hoàn thành thì mới có thể tiến hành bước liveness" (ruling FPT: HTTP 400, code "400").
    if (session.state !== 'ocr_done') refuse('400-ocr-first')
    this.sessions.set(request, session)
  }

  async liveness (request: FastifyRequest): Promise<LivenessAnswer> {
    const session = this.sessions.get(request) as SessionRow
    const lang = langOf(request)
    const selfies = await this.selfies(request)
    if (selfies.images === undefined) {
      // 409 "Invalid upload image" is a result like the others: it counts as an attempt (ruling FPT).
      return this.fail(request, session, livenessRefusal('409', this.message('409', lang), false))
    }
    const { outcome } = this.ctx.decide<FptOutcome>(request, { session: session.session_id, body: selfies.fields })
    this.refuse(request, outcome, 'liveness', { is_complete_session: outcome?.error === '403' })
    const selfie = selfies.images[0] as DecodedImage
    const code = this.resultCode(outcome)
    const body = this.result(code, outcome ?? {}, selfie, session, lang)
    if (code !== '200') return this.fail(request, session, body)

    if (!this.store.succeed(request.sandbox.namespace, session.session_id)) throw catalogue.error('403', { shape: 'liveness', is_complete_session: true })
    const searched = this.ctx.settings.face_search.enabled ? await this.faceSearch(request, session, selfie) : undefined
    const { is_complete_session: _, ...rest } = body
    return searched === undefined ? { ...rest, is_complete_session: true } : { ...rest, face_search: searched, is_complete_session: true }
  }

  /** Count the failed attempt; the session is complete once the limit is used up (Step 4). */
  private fail (request: FastifyRequest, session: SessionRow, body: LivenessAnswer): LivenessAnswer {
    const counted = this.store.failAttempt(request.sandbox.namespace, session.session_id)
    if (counted === undefined) throw catalogue.error('403', { shape: 'liveness', is_complete_session: true })
    return { ...body, is_complete_session: counted.closed }
  }

  /** The selfies, decoded; `images` undefined when there are none or one cannot be read (409). */
  private async selfies (request: FastifyRequest): Promise<{ images: DecodedImage[] | undefined, fields: MultipartBody['fields'] }> {
    let parts: MultipartBody
    try {
      parts = await readMultipart(request)
    } catch (err) {
      if (err instanceof MultipartError) return { images: undefined, fields: {} }
      throw err
    }
    const files = parts.files.filter((f) => f.field === 'selfies')
    if (files.length === 0 || files.length > this.ctx.settings.max_selfies) return { images: undefined, fields: parts.fields }
    const images: DecodedImage[] = []
    for (const f of files) {
      try {
        images.push(await this.ctx.core.images.decode(f.data, { maxBytes: this.ctx.settings.max_image_bytes }))
      } catch (err) {
        if (err instanceof ImageError) return { images: undefined, fields: parts.fields }
        throw err
      }
    }
    return { images, fields: parts.fields }
  }

  /** The result code: the scenario's, else what its probabilities imply, else success. */
  private resultCode (o: FptOutcome | undefined): '200' | ResultCode {
    const t = this.ctx.settings.liveness
    if (o?.code !== undefined) return o.code
    if (o?.spoof_prob !== undefined && o.spoof_prob >= t.spoof_threshold) return '301'
    if (o?.deepfake_prob !== undefined && o.deepfake_prob >= t.deepfake_threshold) return '302'
    if (o?.similarity !== undefined && o.similarity < t.face_match_threshold) return '303'
    return '200'
  }

  private message (code: ResultCode, lang: Lang): string {
    const e = entries[code]
    return lang === 'vi' ? e.vi : e.message
  }

  /**
   * The liveness body for a result code, laid out as the document's examples: success; a failed
   * liveness (the 413 example: face_match not run, all "N/A"); a failed face match (the 407
   * example: liveness passed, "liveness request successful"); 409 (both parts carry the code).
   */
  private result (code: '200' | ResultCode, o: FptOutcome, selfie: DecodedImage, session: SessionRow, lang: Lang): LivenessAnswer {
    const t = this.ctx.settings.liveness
    const r = this.ctx.core.random
    const seed = [selfie.sha256, session.front_hash]
    const spoof = o.spoof_prob ?? (code === '301' ? r.between(t.spoof_threshold, 0.99, 4, 'fpt.spoof', ...seed) : r.between(0.02, Math.min(0.45, t.spoof_threshold), 4, 'fpt.spoof', ...seed))
    const deepfake = o.deepfake_prob ?? (code === '302' ? r.between(t.deepfake_threshold, 0.99, 4, 'fpt.deepfake', ...seed) : undefined)
    const similarity = o.similarity ?? (code === '303' ? r.between(20, t.face_match_threshold - 0.01, 2, 'fpt.similarity', ...seed) : r.between(Math.max(85, t.face_match_threshold), 99.99, 2, 'fpt.similarity', ...seed))
    const review = o.need_to_review === true ? 'true' : 'false'
    const warning = o.warning ?? ''
    const deepfakeFields = { is_deepfake: deepfake === undefined ? NA : String(deepfake >= t.deepfake_threshold), deepfake_prob: deepfake === undefined ? NA : deepfake.toFixed(4) }
    const liveOk = { is_live: 'true', spoof_prob: spoof.toFixed(4), need_to_review: review, ...deepfakeFields, warning, error_frame_url: NA }
    const notRun = { code: NA, message: NA, isMatch: NA, similarity: NA, warning: NA }
    const tail = { video_face_url: NA, compared_face_url: NA, is_complete_session: false }

    if (code === '200') {
      return {
        code: '200',
        message: lang === 'vi' ? 'Kiểm tra thực thể sống thành công' : 'request successful',
        liveness: { code: '200', message: 'liveness check successful', ...liveOk },
        face_match: { code: '200', message: 'face matching successful', isMatch: String(similarity >= t.face_match_threshold), similarity: similarity.toFixed(2), warning: NA },
        ...tail
      }
    }
    const e = entries[code]
    const top = { code, message: this.message(code, lang) }
    if (e.part === 'both') return { ...livenessRefusal(code, e.message, false), message: top.message }
    if (e.part === 'face_match') {
      return {
        ...top,
        liveness: { code: '200', message: 'liveness request successful', ...liveOk },
        face_match: { code, message: e.message, isMatch: code === '303' ? 'false' : NA, similarity: code === '303' ? similarity.toFixed(2) : NA, warning: NA },
        ...tail
      }
    }
    return {
      ...top,
      liveness: {
        code,
        message: e.message,
        is_live: 'false',
        spoof_prob: code === '301' || code === '302' ? spoof.toFixed(4) : NA,
        need_to_review: review,
        ...(code === '302' ? { is_deepfake: 'true', deepfake_prob: (deepfake ?? 0.5).toFixed(4) } : { is_deepfake: NA, deepfake_prob: NA }),
        warning,
        error_frame_url: NA
      },
      face_match: notRun,
      ...tail
    }
  }

  /**
   * face_search (Step 4, "Trường hợp sử dụng tính năng face search"): the selfie against the
   * selfies and document faces of the namespace's earlier completed sessions, by perceptual-hash
   * similarity; then this session's faces join the collection.
   */
  private async faceSearch (request: FastifyRequest, session: SessionRow, selfie: DecodedImage): Promise<NonNullable<LivenessBody['face_search']>> {
    const fs = this.ctx.settings.face_search
    const ns = request.sandbox.namespace
    const hash = await selfie.perceptualHash()
    const earlier = this.store.faces(ns, session.session_id)
    const hits = (selfies: boolean): FaceSearchHit[] => earlier
      .filter((f) => (f.face_type === 'selfie') === selfies)
      .map((f) => ({ 'session-id': f.session_id, similarity: Math.round((1 - hashDistance(hash, f.hash)) * 100) / 100, face_type: f.face_type, info: {} }))
      .filter((h) => h.similarity >= fs.min_similarity)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, fs.top_k)
    const found = { [fs.collection]: { selfie: hits(true), document: hits(false) } }
    const faces = [{ type: 'selfie', hash }]
    if (session.front_hash !== null && session.document_type !== null) faces.push({ type: session.document_type, hash: session.front_hash })
    this.store.addFaces(ns, session.session_id, faces, this.ctx.nowMs(request))
    return found
  }

  // --- Shared ------------------------------------------------------------------------------

  /**
   * The request's session, open: known in this namespace, not past its lifetime (counted from init,
   * ruling FPT), not ended by a passed liveness or the retry limit. Any other is "Session expired".
   */
  private openSession (request: FastifyRequest, missing: () => never, expired: () => never): SessionRow {
    const id = header(request, 'session-id')
    if (id === undefined) return missing()
    if (id.length > MAX_SESSION_ID) return expired()
    const row = this.store.get(request.sandbox.namespace, id)
    if (row === undefined || row.state === 'closed' || this.ctx.nowMs(request) >= row.expires_ms) return expired()
    return row
  }

  /** Multipart parts, with the vendor's errors for a body that is not multipart (or malformed) and one too large. */
  private async readParts (request: FastifyRequest, malformed: FptKey, tooLarge: FptKey): Promise<MultipartBody> {
    try {
      return await readMultipart(request)
    } catch (err) {
      // A body or file over its limit is "too large"; an oversized text part is a bad parameter.
      if (err instanceof MultipartError) throw catalogue.error(err.kind === 'file-too-large' || err.kind === 'body-too-large' ? tooLarge : malformed)
      throw err
    }
  }

  /** A scenario's `error` outcome: the catalogue entry, if it belongs to this operation. */
  private refuse (request: FastifyRequest, outcome: FptOutcome | undefined, shape: Shape, detail: Record<string, unknown> = {}): void {
    const key = outcome?.error
    if (key === undefined) return
    const op = shape === 'init' ? 'fpt.session_init' : `fpt.${shape}`
    if (!(OPERATION_ERRORS[op] ?? []).includes(key)) {
      throw new SandboxError('invalid-scenario-outcome', `scenario ${request.sandbox.scenario ?? ''}: error "${key}" is not an answer of ${op} (its errors: ${(OPERATION_ERRORS[op] ?? []).join(', ')})`, 500)
    }
    throw catalogue.error(key, { shape, ...detail })
  }
}
