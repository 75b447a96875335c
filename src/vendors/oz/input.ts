/**
 * Reading what Oz clients send, once the route has unpacked it: the base64 transfer mode
 * (oz-api-lite.md: "add Content-Transfer-Encoding = base64 to the request headers"; on the wire the
 * header `Content-Transfer-Encoding: base64`, vendor-notes §6.34), multipart parts by role, and
 * samples decoded within the limits. Each failure is the family's documented error (BPE- for
 * biometry, LDE- for liveness). Plain values only: no request object.
 */
import { decodeBase64, ImageError, type DecodedImage, type ImageDecoder } from '../../core/images.js'
import type { MultipartBody, MultipartFile } from '../../core/multipart.js'
import { ozError, type Family, type Role } from './errors.js'
import type { OzSettings } from './schemas.js'

/**
 * An image body: Content-Type image/jpeg or image/png. The check is on "an image" only (the ЕБС
 * convention, vendor-notes §5: "we ask you not to check jpg or png, just image"); the bytes are
 * sniffed later. Anything else is *-002001.
 */
export function isImageType (type: string): boolean {
  return type.startsWith('image/')
}

/** A raw body as the route read it: its declared media type and its bytes (empty when none). */
export interface RawBody {
  mediaType: string
  bytes: Buffer
  base64: boolean
}

/** A multipart request as the route read it. */
export interface PartsInput {
  body: MultipartBody
  base64: boolean
}

/** The image of a raw body (base64-decoded in base64 mode), or the family's content-type error. */
export function rawImage (body: RawBody, family: Family): Buffer {
  if (!isImageType(body.mediaType)) {
    throw ozError('content-type', family, 'the body must be an image: Content-Type image/jpeg or image/png')
  }
  return fromTransfer(body.bytes, body.base64, 'sample', family)
}

/** Bytes as sent, or decoded from base64 text in base64 mode; bad base64 is the role's read error. */
export function fromTransfer (bytes: Buffer, base64: boolean, role: Role, family: Family): Buffer {
  if (!base64) return bytes
  try {
    return decodeBase64(bytes.toString('latin1'))
  } catch (err) {
    if (err instanceof ImageError) throw ozError(role, family, `the ${role} is not valid base64 (Content-Transfer-Encoding: base64)`)
    throw err
  }
}

/**
 * A sample decoded within max_sample_bytes and the sandbox's pixel limit; unreadable: the family's
 * sample error. Decoded transiently, so that the pixels of each of N samples (or archive frames)
 * are released as soon as the caller is done with them.
 */
export async function decodeSample (ctx: { images: ImageDecoder, settings: OzSettings }, bytes: Buffer, what: string, family: Family): Promise<DecodedImage> {
  try {
    return await ctx.images.decodeTransient(bytes, { maxBytes: ctx.settings.max_sample_bytes })
  } catch (err) {
    if (err instanceof ImageError) throw ozError('sample', family, `${what}: ${err.message}`)
    throw err
  }
}

/**
 * Whether a part declares a text type: never an image, a video, an archive or a template
 * (vendor-notes, "Added in the second round": text/* where media or a template is expected is the
 * wrong kind of input, on every method).
 */
export function isTextType (declared: string | undefined): boolean {
  return declared?.startsWith('text/') === true
}

/**
 * Declared part types each role accepts (vendor-notes §5: a sample sent as application/octet-stream
 * is BPE-002005): a sample is image/*, a template application/octet-stream. A part that declares
 * nothing is accepted for either role, and so is one with the document's `Content_type` typo
 * (§6.36): that header is not Content-Type, so the part declares nothing.
 */
function partTypeAllowed (role: Role, declared: string | undefined): boolean {
  if (declared === undefined) return true
  return role === 'sample' ? isImageType(declared) : declared === 'application/octet-stream'
}

/** The family's part-type error for a part of the wrong declared type. */
export function wrongPartType (family: Family, file: MultipartFile, expected: string): ReturnType<typeof ozError> {
  return ozError('part-type', family, `part "${file.field}" has Content-Type ${file.declaredType ?? '(none)'}; ${expected}`)
}

export interface Part { field: string, filename: string | undefined, bytes: Buffer }

/** The parts of a multipart body, looked up by name and checked for their role. */
export class Parts {
  constructor (readonly body: MultipartBody, readonly base64: boolean, readonly family: Family) {}

  private check (file: MultipartFile, role: Role): Part {
    if (!partTypeAllowed(role, file.declaredType)) {
      throw wrongPartType(this.family, file, `a ${role} is ${role === 'sample' ? 'image/jpeg or image/png' : 'application/octet-stream'}`)
    }
    return { field: file.field, filename: file.filename, bytes: fromTransfer(file.data, this.base64, role, this.family) }
  }

  /** The one part of this name (the first if repeated); missing: the role's read error. */
  one (field: string, role: Role): Part {
    const file = this.body.files.find((f) => f.field === field)
    if (file === undefined) throw ozError(role, this.family, `the required part "${field}" is missing`)
    return this.check(file, role)
  }

  /** Every part of this name, in order; none, or more than `max`: the role's read error. */
  many (field: string, role: Role, max: number): Part[] {
    const files = this.body.files.filter((f) => f.field === field)
    if (files.length === 0) throw ozError(role, this.family, `at least one "${field}" part is required`)
    if (files.length > max) throw ozError(role, this.family, `at most ${max} "${field}" parts are accepted (settings: oz.max_n)`)
    return files.map((f) => this.check(f, role))
  }

  /** The parts as scenario rules match them: `parts: [{name, filename}]`. */
  view (): Record<string, unknown> {
    return { parts: this.body.files.map((f) => ({ name: f.field, filename: f.filename ?? null })) }
  }
}
