/**
 * The part headers of a multipart body, read from the raw body as it streams by, for what busboy
 * does not give or does not enforce:
 *
 * - the Content-Type each part really declares: busboy reports `text/plain` both for a part without
 *   a Content-Type header and for one that declares text/plain; a vendor that must tell them apart
 *   (Oz refuses declared text parts, vendor-notes "Added in the second round") reads it here;
 * - the structure: a part that is not `Content-Disposition: form-data` is silently skipped by
 *   busboy, which with more than 16 KB in it stops reading the request and never finishes (seen with
 *   @fastify/busboy 3.2): the request would never be answered; and a header block over 16 KB.
 *   Both are malformed multipart here, at once (body-guard.ts fails the parse).
 *
 * The scanner sees the same chunks as busboy, in the same order, and keeps only what it needs: the
 * last bytes of a chunk (a delimiter may straddle two) and the header block being read (at most
 * MAX_HEADER bytes). Header lines are read as busboy's parser reads them: the name is everything
 * before the colon, lower-cased; a line without a colon ends the block; folded lines continue the
 * previous value; the first value of a repeated header counts.
 */

const CRLF2 = Buffer.from('\r\n\r\n', 'latin1')
const EMPTY = Buffer.alloc(0)
/** A header block larger than this is not read (its part's declaration stays unknown). */
const MAX_HEADER = 16 * 1024

/** Whether a Content-Type is multipart/form-data (whatever its parameters). */
export function isMultipartType (contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*multipart\/form-data\s*(;|$)/i.test(contentType)
}

/** The boundary parameter of a multipart Content-Type, if any. */
export function boundaryOf (contentType: string | undefined): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  return m === null ? undefined : m[1] ?? m[2]
}

/** The media type of a Content-Type value as busboy reads it: lower case, without parameters; '' when empty. */
function mediaType (value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase()
}

/** The form-data name of a Content-Disposition value (quoted or not), if any. */
function nameOf (disposition: string): string | undefined {
  const m = /(?:^|;)\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(disposition)
  if (m === null) return undefined
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]?.trim()
}

/** The headers of one part's block (the text after the delimiter line): every value of each name, in order. */
function parseBlock (block: string): Map<string, string[]> {
  const headers = new Map<string, string[]>()
  let last: string[] | undefined
  for (const line of block.split('\r\n').slice(1)) {
    if (line === '') continue
    if (/[\r\n]/.test(line)) break // a bare line break ends the block, as in busboy
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      last[last.length - 1] += line // a folded line continues the previous value
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) break
    const name = line.slice(0, colon).toLowerCase()
    const values = headers.get(name) ?? []
    values.push(line.slice(colon + 1).replace(/^[ \t]/, ''))
    headers.set(name, values)
    last = values
  }
  return headers
}

export class PartHeaderScanner {
  private readonly delimiter: Buffer
  /** Bytes kept from the previous chunk: the start of a delimiter, or of a header block. */
  private carry: Buffer
  /** Reading a header block (the bytes after a delimiter), or scanning a part's body. */
  private inHeader = false
  private ended = false
  /** By part name, in order: the declared media type ('' when the part declares none). */
  private readonly declared = new Map<string, string[]>()

  constructor (boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1')
    // The first delimiter may open the body without a line break before it.
    this.carry = Buffer.from('\r\n', 'latin1')
  }

  /** Why the body is not acceptable multipart/form-data, once a part shows it (then nothing more is read). */
  problem: string | undefined

  /** Read a chunk; returns the problem, if the body has one. */
  push (chunk: Buffer): string | undefined {
    let data = this.join(chunk)
    this.carry = EMPTY
    while (!this.ended && data.length > 0) data = this.inHeader ? this.header(data) : this.body(data)
    return this.problem
  }

  /**
   * The chunk with what the previous one left. In a part's body, bytes are copied only when a
   * delimiter straddles the two chunks (a body's bytes are otherwise scanned where they are).
   */
  private join (chunk: Buffer): Buffer {
    if (this.carry.length === 0) return chunk
    if (this.inHeader) return Buffer.concat([this.carry, chunk])
    const keep = this.delimiter.length - 1
    const head = Buffer.concat([this.carry, chunk.subarray(0, keep)])
    // A chunk shorter than a delimiter: the next carry needs the bytes before it too.
    if (chunk.length <= keep) return head
    const at = head.indexOf(this.delimiter)
    return at < 0 ? chunk : Buffer.concat([head.subarray(at), chunk.subarray(keep)])
  }

  /** Scan a body for the next delimiter; keep the bytes a delimiter split across chunks could start with. */
  private body (data: Buffer): Buffer {
    const at = data.indexOf(this.delimiter)
    if (at < 0) {
      this.carry = Buffer.from(data.subarray(Math.max(0, data.length - this.delimiter.length + 1)))
      return EMPTY
    }
    this.inHeader = true
    return data.subarray(at + this.delimiter.length)
  }

  /** Read a header block up to its blank line; the close delimiter (`--`) ends the body. */
  private header (data: Buffer): Buffer {
    if (data.length >= 2 && data[0] === 0x2d && data[1] === 0x2d) {
      this.ended = true
      return EMPTY
    }
    const end = data.indexOf(CRLF2)
    if ((end < 0 ? data.length : end) > MAX_HEADER) {
      this.problem ??= 'a part has a header block larger than 16 KB'
      this.ended = true
      return EMPTY
    }
    if (end < 0) {
      this.carry = Buffer.from(data)
      return EMPTY
    }
    this.record(parseBlock(data.toString('latin1', 0, end)))
    this.inHeader = false
    return data.subarray(end + CRLF2.length)
  }

  private record (headers: Map<string, string[]>): void {
    const disposition = headers.get('content-disposition')?.[0] ?? ''
    if (!/^\s*form-data\s*(;|$)/i.test(disposition)) {
      this.problem ??= disposition === '' ? 'a part has no Content-Disposition header' : `a part is "Content-Disposition: ${disposition.slice(0, 60)}"; multipart/form-data parts are Content-Disposition: form-data`
      this.ended = true
      return
    }
    const name = nameOf(disposition)
    if (name === undefined) return
    const list = this.declared.get(name) ?? []
    list.push(mediaType(headers.get('content-type')?.[0] ?? ''))
    this.declared.set(name, list)
  }

  /**
   * The declared media type of the next part of this name (in order), '' when that part has no
   * Content-Type header, undefined when its headers could not be read.
   */
  next (name: string): string | undefined {
    return this.declared.get(name)?.shift()
  }
}
