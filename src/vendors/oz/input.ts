/**
 * Reading what Oz clients send: raw image bodies, multipart parts by role, and the base64 transfer
 * mode (oz-api-lite.md: "add Content-Transfer-Encoding = base64 to the request headers"; on the wire
 * the header `Content-Transfer-Encoding: base64`, vendor-notes §6.34). Each failure is the family's
 * documented error (BPE- for biometry, LDE- for liveness).
 */
import type { FastifyRequest } from 'fastify'
import { decodeBase64, ImageError } from '../../core/images.js'
import { readMultipart, type MultipartBody, type MultipartFile } from '../../core/multipart.js'
import { ozError, type Family } from './errors.js'

/** Whether the request uses the base64 transfer mode (header value compared case-insensitively). */
export function base64Mode (request: FastifyRequest): boolean {
  const v = request.headers['content-transfer-encoding']
  return typeof v === 'string' && v.trim().toLowerCase() === 'base64'
}

/** The media type of the request, lower case, without parameters ('' when absent). */
export function mediaType (request: FastifyRequest): string {
  const v = request.headers['content-type']
  return typeof v === 'string' ? (v.split(';')[0] ?? '').trim().toLowerCase() : ''
}

/**
 * An image body: Content-Type image/jpeg or image/png. The check is on "an image" only (the ЕБС
 * convention, vendor-notes §5: "we ask you not to check jpg or png, just image"); the bytes are
 * sniffed later. Anything else is *-002001.
 */
export function isImageType (type: string): boolean {
  return type.startsWith('image/')
}

/** The raw image body (base64-decoded in base64 mode), or the family's content-type error. */
export function rawImageBody (request: FastifyRequest, family: Family): Buffer {
  if (!isImageType(mediaType(request))) {
    throw ozError('content-type', family, 'the body must be an image: Content-Type image/jpeg or image/png')
  }
  // An empty body reaches the handler without a Buffer; it is an unreadable (empty) sample.
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  return fromTransfer(body, base64Mode(request), 'sample', family)
}

/** Bytes as sent, or decoded from base64 text in base64 mode; bad base64 is the role's read error. */
export function fromTransfer (bytes: Buffer, base64: boolean, role: 'sample' | 'template', family: Family): Buffer {
  if (!base64) return bytes
  try {
    return decodeBase64(bytes.toString('latin1'))
  } catch (err) {
    if (err instanceof ImageError) throw ozError(role, family, `the ${role} is not valid base64 (Content-Transfer-Encoding: base64)`)
    throw err
  }
}

/** The multipart body, or the family's content-type error when the request is not multipart/form-data. */
export async function multipartBody (request: FastifyRequest, family: Family): Promise<MultipartBody> {
  if (!request.isMultipart()) throw ozError('content-type', family, 'the body must be multipart/form-data')
  return await readMultipart(request)
}

/**
 * Declared part types each role accepts (vendor-notes §5: a sample sent as application/octet-stream
 * is BPE-002005). `text/plain` is busboy's value for a part without a Content-Type header, and also
 * what the document's `Content_type` typo (§6.36) amounts to, since the parser does not read that
 * header: such parts are accepted as undeclared.
 */
function partTypeAllowed (role: 'sample' | 'template', mimetype: string): boolean {
  const type = mimetype.toLowerCase()
  if (type === 'text/plain') return true
  return role === 'sample' ? isImageType(type) : type === 'application/octet-stream'
}

export interface Part { field: string, filename: string | undefined, bytes: Buffer }

export class Parts {
  constructor (readonly body: MultipartBody, readonly base64: boolean, readonly family: Family) {}

  private check (file: MultipartFile, role: 'sample' | 'template'): Part {
    if (!partTypeAllowed(role, file.mimetype)) {
      throw ozError('part-type', this.family, `part "${file.field}" has Content-Type ${file.mimetype}; a ${role} is ${role === 'sample' ? 'image/jpeg or image/png' : 'application/octet-stream'}`)
    }
    return { field: file.field, filename: file.filename, bytes: fromTransfer(file.data, this.base64, role, this.family) }
  }

  /** The one part of this name (the first if repeated); missing: the role's read error. */
  one (field: string, role: 'sample' | 'template'): Part {
    const file = this.body.files.find((f) => f.field === field)
    if (file === undefined) throw ozError(role, this.family, `the required part "${field}" is missing`)
    return this.check(file, role)
  }

  /** Every part of this name, in order; none, or more than `max`: the role's read error. */
  many (field: string, role: 'sample' | 'template', max: number): Part[] {
    const files = this.body.files.filter((f) => f.field === field)
    if (files.length === 0) throw ozError(role, this.family, `at least one "${field}" part is required`)
    if (files.length > max) throw ozError(role, this.family, `at most ${max} "${field}" parts are accepted (settings: oz.max_n)`)
    return files.map((f) => this.check(f, role))
  }
}
