/**
 * Multipart bodies, read whole into memory with explicit limits. The parser is registered only in
 * the vendor plugins that need it (`registerMultipart(scope, ...)`): at the root it would slow every
 * route. Errors come out as one MultipartError with a kind, which each vendor maps to its own code.
 */
import multipart, { type FastifyMultipartBaseOptions, type MultipartFile as MultipartFilePart } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Assembler } from './assemble.js'
import { guardMultipart } from './body-guard.js'
import { fastifyErrorCode, KindError } from './errors.js'
import { boundaryOf, PartHeaderScanner } from './part-headers.js'
import { nextTurn, spendTurn } from './turns.js'

export interface MultipartLimits {
  /** Largest file part, in bytes. */
  fileSize: number
  /** Largest text part, in bytes. */
  fieldSize: number
  /** Most file parts. */
  files: number
  /** Most text parts. */
  fields: number
  /** Most parts of any kind. */
  parts: number
}

export interface MultipartFile {
  field: string
  filename: string | undefined
  /** The part's declared content type (busboy's default text/plain when absent). */
  mimetype: string
  /**
   * The part's Content-Type as the client declared it (media type, lower case), or undefined when
   * the part has no Content-Type header (where `mimetype` says text/plain). Read from the raw part
   * headers (part-headers.ts); when they cannot be read, a text/plain `mimetype` counts as undeclared.
   */
  declaredType: string | undefined
  data: Buffer
}

export interface MultipartBody {
  /** Text parts by name, in arrival order. JSON-typed parts arrive parsed. */
  fields: Record<string, unknown[]>
  files: MultipartFile[]
}

export type MultipartErrorKind =
  | 'not-multipart' // another content type
  | 'body-too-large' // Content-Length above the route's (the vendor's) body limit, refused unread
  | 'file-too-large' // a file part above limits.fileSize
  | 'field-too-large' // a text part above limits.fieldSize
  | 'too-many-parts' // more parts, files or fields than allowed
  | 'malformed' // not parseable as multipart

export class MultipartError extends KindError<MultipartErrorKind> {}

export interface RegisterMultipartOptions {
  limits: MultipartLimits
  /**
   * Which parts are files. Busboy's default treats a part as a file only when it has a filename (or is
   * application/octet-stream); vendors whose clients send binary parts without a filename must treat
   * those as files too, or their bytes would be decoded as text and corrupted.
   */
  isPartAFile?: (fieldName: string | undefined, contentType: string | undefined, fileName: string | undefined) => boolean
}

/** Register @fastify/multipart in the given (vendor) scope. */
export async function registerMultipart (scope: FastifyInstance, opts: RegisterMultipartOptions): Promise<void> {
  const options: FastifyMultipartBaseOptions & { isPartAFile?: RegisterMultipartOptions['isPartAFile'] } = {
    limits: { ...opts.limits, headerPairs: 100 },
    throwFileSizeLimit: true
  }
  if (opts.isPartAFile !== undefined) options.isPartAFile = opts.isPartAFile
  await scope.register(multipart, options)
}

function mapError (err: unknown): MultipartError {
  if (err instanceof MultipartError) return err
  const code = fastifyErrorCode(err)
  const message = err instanceof Error ? err.message : String(err)
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE': return new MultipartError('file-too-large', message)
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT': return new MultipartError('too-many-parts', message)
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE': return new MultipartError('not-multipart', message)
    default: return new MultipartError('malformed', message)
  }
}

/**
 * Read every part. Fastify's body limit does not apply to multipart bodies (the parser streams them),
 * so a body announced larger than the route's limit is refused here before it is read; a chunked body
 * is bounded by the part limits (files x fileSize + fields x fieldSize). Text parts that hit the field
 * size limit are refused as too large (busboy would silently truncate them). The journal gets a
 * summary (files as bytes + sha256 at flush time).
 */
export async function readMultipart (request: FastifyRequest): Promise<MultipartBody> {
  if (!request.isMultipart()) throw new MultipartError('not-multipart', 'the request is not multipart/form-data')
  const limit = request.routeOptions.bodyLimit
  const announced = Number(request.headers['content-length'])
  if (limit !== undefined && Number.isFinite(announced) && announced > limit) {
    throw new MultipartError('body-too-large', `the body has ${announced} bytes; at most ${limit} are accepted`)
  }
  const body: MultipartBody = { fields: Object.create(null) as Record<string, unknown[]>, files: [] }
  const boundary = boundaryOf(request.headers['content-type'])
  const scanner = boundary === undefined ? undefined : new PartHeaderScanner(boundary)
  const unguard = guardMultipart(request.raw, request.server.bodyTimeoutMs, scanner)
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await fileBytes(part, announced, limit)
        const declaredType = declared(part.mimetype, scanner?.next(part.fieldname))
        body.files.push({ field: part.fieldname, filename: part.filename === '' ? undefined : part.filename, mimetype: part.mimetype, declaredType, data })
      } else {
        if (part.valueTruncated) throw new MultipartError('field-too-large', `the text part "${part.fieldname}" is too large`)
        scanner?.next(part.fieldname)
        ;(body.fields[part.fieldname] ??= []).push(part.value)
      }
    }
  } catch (err) {
    throw mapError(err)
  } finally {
    unguard()
  }
  request.call.recordBody({
    fields: body.fields,
    files: body.files.map((f) => ({ field: f.field, filename: f.filename ?? null, mimetype: f.mimetype, content: f.data }))
  })
  return body
}

/**
 * A file part's bytes, assembled as they arrive (assemble.ts; the request's Content-Length bounds the
 * buffer taken at first). As the library's toBuffer does: a part over the file size limit is read
 * to its end, then refused.
 */
async function fileBytes (part: MultipartFilePart, announced: number, limit: number | undefined): Promise<Buffer> {
  const data = new Assembler(Number.isNaN(announced) ? undefined : announced, limit ?? Number.POSITIVE_INFINITY)
  let tooLarge = false
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    if (part.file.truncated) tooLarge = true
    if (!tooLarge) data.push(chunk)
    if (spendTurn(chunk.length)) await nextTurn()
  }
  if (tooLarge || part.file.truncated) throw new MultipartError('file-too-large', 'request file too large')
  return data.bytes()
}

/**
 * What a part declares: busboy's reading of its Content-Type, or undefined when the raw headers
 * show it has none. When they could not be read, busboy's text/plain default counts as undeclared.
 */
function declared (mimetype: string, scanned: string | undefined): string | undefined {
  if (scanned === '') return undefined
  if (scanned !== undefined) return mimetype
  return mimetype === 'text/plain' ? undefined : mimetype
}

/** The first text value of a field, if any. */
export function firstField (body: MultipartBody, name: string): unknown {
  return body.fields[name]?.[0]
}

/** The first file of a field, if any. */
export function firstFile (body: MultipartBody, name: string): MultipartFile | undefined {
  return body.files.find((f) => f.field === name)
}
