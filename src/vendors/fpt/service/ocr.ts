/**
 * Steps 2 and 3, POST /ocr (fpt-ekyc.vi.md): the document's front then back (one side per request
 * with `side-type`), or both sides in one request (idr, dlr), or a passport's one page. In order:
 * the general table (headers and session, before the body is read), side-type and the call order
 * (before the body is read too), the files and each image (7, 3, quality), the scenario's outcome,
 * then the post-checks of what was read. Only a call that passes them all changes the session.
 */
import { SandboxError } from '../../../core/errors.js'
import type { DecodedImage } from '../../../core/images.js'
import { vietnamToday, type Ymd } from '../dates.js'
import { catalogue } from '../errors.js'
import { FIELD_NAMES_VI, generateIdentity, HolderFactError, renderBack, renderFront, type DocumentType, type Fields, type Identity } from '../identity.js'
import { postCheck } from '../postcheck.js'
import { qualityProblem } from '../quality.js'
import type { FptOutcome } from '../schemas.js'
import type { SessionRow } from '../store.js'
import { deviceTypeOf, documentTypeOf, langOf, openSession, type FptCall, type FptHeaders, type Lang } from './session.js'

/** What the general table's checks found: the open session, the document type, the language. */
export interface OcrChecked {
  session: SessionRow
  doc: DocumentType
  lang: Lang
}

/** Which side(s) the request carries: one side with side-type (a passport's page counts as a front), else both. */
export type OcrMode = 'front' | 'back' | 'both'

export interface OcrInput extends OcrChecked {
  mode: OcrMode
  /** The `files` parts, in order: the one side, or front then back. */
  files: Buffer[]
  /** The text parts, as scenario rules match them. */
  fields: Record<string, unknown[]>
}

export interface OcrAnswer {
  data: Array<{ key: string, locale: string, name: string, score: string, value: string }>
  errorCode: string
  errorMessage: string
  total_data: unknown[]
}

/** A field as the engine read it: key, value, confidence score. The session keeps the front's. */
type Entry = [key: string, value: string, score: string]

/** One side as read: the fields (for the post-checks) and their scored entries (for the answer). */
interface Side { fields: Fields, entries: Entry[] }

/**
 * The general table ("Các mã lỗi chung"), before any image is looked at: key, device-type,
 * document-type (missing, then invalid), session-id, session (403), lang.
 */
export function checkOcr (call: FptCall, headers: FptHeaders): OcrChecked {
  if (!call.acceptsKey(headers.apiKey)) throw catalogue.error('400-api-key')
  deviceTypeOf(headers.deviceType)
  const doc = documentTypeOf(headers.documentType)
  const session = openSession(call, headers.sessionId)
  return { session, doc, lang: langOf(headers.lang) }
}

/** side-type and the call order, still before the body is read. */
export function planOcr ({ session, doc }: OcrChecked, sideType: string | undefined): OcrMode {
  if (sideType !== undefined && sideType !== 'front' && sideType !== 'back') throw catalogue.error('1')
  // A passport has one page: asking for its back side is the wrong side-type (E110).
  if (doc === 'passport' && sideType === 'back') throw catalogue.error('E110')
  const mode = doc === 'passport' ? 'front' : sideType ?? 'both'
  checkOrder(session, doc, mode)
  return mode
}

/** Call order (ambiguity 27): the back needs this document's front (E101); the front is taken once (E103). */
function checkOrder (session: SessionRow, doc: DocumentType, mode: OcrMode): void {
  if (session.state === 'new') {
    if (mode === 'back') throw catalogue.error('E101')
    return
  }
  if (mode !== 'back') throw catalogue.error('E103')
  if (session.document_type !== doc) throw catalogue.error('E101')
}

export async function ocr (call: FptCall, input: OcrInput): Promise<OcrAnswer> {
  const images = await documentImages(call, input)
  const outcome = call.decideOrThrow<FptOutcome>({ session: input.session.session_id, body: input.fields })
  const today = vietnamToday(call.nowMs())
  const front = images.front === undefined ? storedFront(input.session) : readFront(call, input.doc, images.front, outcome, today)
  const back = images.back === undefined ? undefined : readBack(call, front, images.back, outcome)
  const failed = postCheck({ doc: input.doc, front: front.fields, back: back?.fields, backType: front.identity.backType, today })
  if (failed !== undefined) throw catalogue.error(failed)
  await record(call, input, front, images.front)
  return answer([...front.entries, ...(back?.entries ?? [])], input.lang)
}

/** The files, each an image the engine can read (Step 2, "Request Body"; the front is checked first). */
async function documentImages (call: FptCall, { mode, files }: OcrInput): Promise<{ front?: DecodedImage, back?: DecodedImage }> {
  // One file with side-type or for a passport, else front and back.
  if (files.length !== (mode === 'both' ? 2 : 1)) throw catalogue.error('1')
  const images: DecodedImage[] = []
  for (const bytes of files) images.push(await documentImage(call, bytes))
  return { front: mode === 'back' ? undefined : images[0], back: mode === 'front' ? undefined : images.at(-1) }
}

async function documentImage (call: FptCall, bytes: Buffer): Promise<DecodedImage> {
  // What does not decode (not JPEG/PNG, damaged, empty, over max_image_bytes or the pixel limit) is
  // core's ImageError: 7 "Invalid image file" through the failure table (errors.ts).
  const image = await call.images.decode(bytes, { maxBytes: call.settings.max_image_bytes })
  const problem = await qualityProblem(image, call.settings.quality)
  if (problem !== undefined) throw catalogue.error(problem)
  return image
}

/** The front as read from its image: a person generated from the picture and the scenario's holder facts, with its overrides. */
function readFront (call: FptCall, doc: DocumentType, image: DecodedImage, outcome: FptOutcome, today: Ymd): Side & { identity: Identity } {
  const holder = outcome.holder ?? {}
  let identity: Identity
  try {
    identity = generateIdentity(call.random, [image.sha256, JSON.stringify(holder), today.y, today.m, today.d], doc, holder, today)
  } catch (err) {
    if (err instanceof HolderFactError) throw new SandboxError('invalid-scenario-outcome', err.message, 500)
    throw err
  }
  const fields = renderFront(identity, outcome.fields ?? {})
  return { identity, fields, entries: scored(call, fields, image) }
}

/** The front the session kept from the front call, as that call answered it. */
function storedFront (session: SessionRow): Side & { identity: Identity } {
  const entries = JSON.parse(session.front as string) as Entry[]
  return { identity: JSON.parse(session.identity as string) as Identity, fields: new Map(entries.map(([k, v]) => [k, v])), entries }
}

function readBack (call: FptCall, front: Side & { identity: Identity }, image: DecodedImage, outcome: FptOutcome): Side {
  const fields = renderBack(front.identity, front.fields, outcome.fields ?? {})
  return { fields, entries: scored(call, fields, image) }
}

/** OCR confidence per field, deterministic per image and field ("98.37": the document's format). */
function scored (call: FptCall, fields: Fields, image: DecodedImage): Entry[] {
  return [...fields].map(([k, v]) => [k, v, call.random.between(90, 99.99, 2, 'fpt.ocr.score', image.sha256, k).toFixed(2)])
}

/** The session takes the step: the front (a passport's page, or both sides, complete the OCR), or the back. */
async function record (call: FptCall, { session, doc, mode }: OcrInput, front: Side & { identity: Identity }, frontImage: DecodedImage | undefined): Promise<void> {
  const { store, namespace } = call
  if (frontImage === undefined) {
    if (!store.recordBack(namespace, session.session_id)) throw catalogue.error('403') // the session ended meanwhile
    return
  }
  const next = mode === 'both' || doc === 'passport' ? 'ocr_done' : 'front'
  const hash = await frontImage.perceptualHash()
  if (!store.recordFront(namespace, session.session_id, next, doc, JSON.stringify(front.identity), JSON.stringify(front.entries), hash)) {
    throw catalogue.error('E103') // another call took the front meanwhile
  }
}

/** errorCode "0": the fields, named in the request's language (lang vi: the document's Vietnamese names). */
function answer (entries: Entry[], lang: Lang): OcrAnswer {
  return {
    data: entries.map(([key, value, score]) => ({ key, locale: 'vn', name: lang === 'vi' ? FIELD_NAMES_VI[key] ?? key : key, score, value })),
    errorCode: '0',
    errorMessage: '',
    total_data: []
  }
}
