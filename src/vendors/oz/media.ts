/**
 * What a multipart `detect` reads (oz-api-lite.md, "detect", "Multipart/form-data"): the optional
 * `payload` JSON part, and the media parts, each an image, an MP4 video or a zip archive of images,
 * told apart by their bytes. Every failure is LDE-002004 (a media) or LDE-002005 (the payload).
 */
import { createHash } from 'node:crypto'
import { sniffFormat, type DecodedImage, type ImageDecoder } from '../../core/images.js'
import { isMp4, Mp4Error, readMp4, type Mp4Info } from '../../core/media/mp4.js'
import { isZip, readZip, ZipError, type ZipEntry } from '../../core/media/zip.js'
import type { MultipartFile } from '../../core/multipart.js'
import { ozError } from './errors.js'
import { decodeSample, fromTransfer, isTextType, wrongPartType } from './input.js'
import { DetectPayload, type DetectPayloadValue, type OzSettings } from './schemas.js'

/** What reading needs: the image decoder and the limits (a Call has both). */
export interface MediaContext { images: ImageDecoder, settings: OzSettings }

export function md5 (bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex')
}

interface MediaCommon {
  /** The part name: the media key of `media:tags` and `media:meta_data`. */
  key: string
  filename: string | undefined
  bytes: Buffer
  md5: string
  width: number
  height: number
  mime: string
  /** The picture the best shot is cut from (the image, or the sharpest frame of an archive). */
  best?: DecodedImage
}

export type ReadMedia =
  | MediaCommon & { kind: 'image' }
  | MediaCommon & { kind: 'video', video: Mp4Info }
  | MediaCommon & { kind: 'archive', frames: number }

type Head = Pick<MediaCommon, 'key' | 'filename' | 'bytes' | 'md5'>

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
export function readPayload (settings: OzSettings, file: MultipartFile | undefined, base64: boolean): DetectPayloadValue {
  if (file === undefined) return {}
  if (file.data.length > settings.max_payload_bytes) throw ozError('part-type', 'LDE', `the payload part is larger than ${settings.max_payload_bytes} bytes`)
  let json = jsonOf(file.data)
  if (json === undefined && base64) json = jsonOf(Buffer.from(file.data.toString('latin1'), 'base64'))
  if (json === undefined) throw ozError('part-type', 'LDE', 'the payload part is not JSON')
  const parsed = DetectPayload.safeParse(json)
  if (!parsed.success) {
    throw ozError('part-type', 'LDE', `payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`)
  }
  return parsed.data
}

/** A container failure (MP4, zip) is an unreadable sample. */
function unreadable<T> (what: string, read: () => T): T {
  try {
    return read()
  } catch (err) {
    if (err instanceof Mp4Error || err instanceof ZipError) throw ozError('sample', 'LDE', `${what}: ${err.message}`)
    throw err
  }
}

async function readImage (ctx: MediaContext, head: Head, what: string, wantBest: boolean): Promise<ReadMedia> {
  const image = await decodeSample(ctx, head.bytes, what, 'LDE')
  return { ...head, kind: 'image', width: image.width, height: image.height, mime: image.mimeType, ...(wantBest ? { best: image } : {}) }
}

function readVideo (head: Head, what: string): ReadMedia {
  const video = unreadable(what, () => readMp4(head.bytes))
  const mime = video.brand === 'qt  ' ? 'video/quicktime' : 'video/mp4'
  return { ...head, kind: 'video', width: video.width, height: video.height, mime, video }
}

/** Archive tools add metadata files (macOS resource forks, dot files); they are not frames. */
function isFrame (entry: ZipEntry): boolean {
  return !entry.name.startsWith('__MACOSX/') && !(entry.name.split('/').pop() ?? '').startsWith('.')
}

/** A shots set: every frame must decode; the best shot is cut from the sharpest one. */
async function readArchive (ctx: MediaContext, head: Head, what: string, wantBest: boolean): Promise<ReadMedia> {
  const s = ctx.settings
  const entries = unreadable(what, () => readZip(head.bytes, { maxEntries: s.max_archive_entries, maxEntryBytes: s.max_sample_bytes, maxTotalBytes: s.max_media_bytes }))
  const frames = entries.filter(isFrame)
  if (frames.length === 0) throw ozError('sample', 'LDE', `${what}: the archive holds no image`)
  let first: DecodedImage | undefined
  let best: { image: DecodedImage, sharpness: number } | undefined
  for (const frame of frames) {
    const image = await decodeSample(ctx, frame.data, `${what}, frame "${frame.name}"`, 'LDE')
    first ??= image
    if (!wantBest) continue
    const { sharpness } = await image.stats()
    if (best === undefined || sharpness > best.sharpness) best = { image, sharpness }
  }
  const f = first as DecodedImage
  return { ...head, kind: 'archive', width: f.width, height: f.height, mime: 'application/zip', frames: frames.length, ...(best !== undefined ? { best: best.image } : {}) }
}

/**
 * A media part, read for what its bytes are: any declared media type is accepted (vendor-notes, Oz
 * rulings; the document's example declares multipart/form-data), but a text type is the wrong kind
 * of input (LDE-002005, second-round ruling). Images within max_sample_bytes; videos and archives
 * within max_media_bytes.
 */
export async function readMedia (ctx: MediaContext, file: MultipartFile, base64: boolean, wantBest: boolean): Promise<ReadMedia> {
  if (isTextType(file.declaredType)) throw wrongPartType('LDE', file, 'a media is an image, a video or a zip archive, never text')
  const what = `media "${file.field}"`
  const bytes = fromTransfer(file.data, base64, 'sample', 'LDE')
  const head: Head = { key: file.field, filename: file.filename, bytes, md5: md5(bytes) }
  if (sniffFormat(bytes) !== undefined) return await readImage(ctx, head, what, wantBest)
  const max = ctx.settings.max_media_bytes
  if (bytes.length > max) throw ozError('sample', 'LDE', `${what} has ${bytes.length} bytes; at most ${max} are accepted`)
  if (isMp4(bytes)) return readVideo(head, what)
  if (isZip(bytes)) return await readArchive(ctx, head, what, wantBest)
  throw ozError('sample', 'LDE', `${what} is neither an image (JPEG, PNG), an MP4 video nor a zip archive of images`)
}
