/**
 * The well-formed starting point that mutations damage: test images made by sharp, a value for each
 * documented field (from its schema), and the encoders of a body as JSON, form, multipart or a raw
 * image. A mutation changes one thing in this starting point, so the answer says what that one thing
 * does.
 */
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { norm, resolve, type Field, type Schema, type Target } from './routes.js'

export interface Assets {
  jpeg: Buffer
  png: Buffer
}

export async function makeAssets (): Promise<Assets> {
  const create = { width: 64, height: 48, channels: 3 as const, background: '#c8a080' }
  return {
    jpeg: await sharp({ create }).jpeg().toBuffer(),
    png: await sharp({ create }).png().toBuffer()
  }
}

/** A PNG whose header announces width x height, and no pixel data (a decompression bomb's header). */
export function pngHeader (width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, deflate, no filter, no interlace
  const type = Buffer.from('IHDR')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(13)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([type, ihdr])))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, type, ihdr, crc])
}

/** One body entry: a Buffer value is binary (a file part, base64 in JSON and forms). */
export interface Entry { name: string, value: unknown }

/** A value that satisfies a field's schema, as far as a fuzzer needs. */
export function sampleValue (doc: Schema, raw: unknown, assets: Assets, field?: Field, depth = 0): unknown {
  const s = resolve(doc, raw)
  if (depth > 6) return null
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]
  if (s.default !== undefined) return s.default
  const variants = (s.anyOf ?? s.oneOf) as unknown[] | undefined
  if (variants !== undefined && variants.length > 0) return sampleValue(doc, variants[0], assets, field, depth + 1)
  switch (s.type) {
    case 'integer': case 'number': return Math.max(1, Number(s.minimum ?? 1))
    case 'boolean': return true
    case 'array': {
      const n = Math.max(1, Number(s.minItems ?? 1))
      // Items inherit the array's description ("images as data URIs") when they have none.
      const items = resolve(doc, s.items)
      const described = { ...items, description: items.description ?? s.description }
      return Array.from({ length: n }, () => sampleValue(doc, described, assets, field, depth + 1))
    }
    case 'object': case undefined: {
      if (s.properties === undefined) return s.type === 'object' ? {} : 'fuzz'
      const props = s.properties as Record<string, unknown>
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleValue(doc, v, assets, undefined, depth + 1)]))
    }
    default: return stringSample(s, assets, field)
  }
}

function stringSample (s: Schema, assets: Assets, field?: Field): unknown {
  const text = `${field?.name ?? ''} ${String(s.description ?? '')}`
  if (s.format === 'binary') return field?.image === true ? assets.jpeg : Buffer.from('fuzz-template-bytes')
  // Nested image strings (Weber `data.images[]`) are found by their description alone.
  const image = field?.image === true || (/image|jpe?g|png/i.test(text) && /base64|data.?uri/i.test(text))
  if (image) return /data.?uri/i.test(text) ? `data:image/jpeg;base64,${assets.jpeg.toString('base64')}` : assets.jpeg.toString('base64')
  if (/email/i.test(text)) return 'fuzz@example.com'
  if (/phone/i.test(text)) return '0812345678'
  if (/^pin\b/i.test(text)) return '123456'
  if (s.pattern === '^quality$') return 'quality'
  return 'fuzz-value'.padEnd(Number(s.minLength ?? 0), 'x')
}

/** The documented fields of a body type, as entries with sample values. */
export function sampleEntries (doc: Schema, fields: Field[], assets: Assets, minted?: Map<string, string>): Entry[] {
  return fields.map((f) => ({ name: f.name, value: minted?.get(norm(f.name)) ?? sampleValue(doc, f.schema, assets, f) }))
}

const toJsonValue = (v: unknown): unknown => Buffer.isBuffer(v) ? v.toString('base64') : Array.isArray(v) ? v.map(toJsonValue) : v

export function encodeJson (entries: Entry[]): Buffer {
  return Buffer.from(JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, toJsonValue(e.value)]))))
}

export function encodeForm (entries: Entry[]): Buffer {
  const p = new URLSearchParams()
  for (const e of entries) {
    const v = toJsonValue(e.value)
    for (const x of Array.isArray(v) ? v : [v]) p.append(e.name, typeof x === 'string' ? x : JSON.stringify(x))
  }
  return Buffer.from(p.toString())
}

export const BOUNDARY = 'fuzz-boundary-7MA4YWxkTrZu0gW'

/** One raw multipart part: headers as given (no Content-Disposition added), then the data. */
export function rawPart (headers: string[], data: Buffer | string, boundary = BOUNDARY): Buffer {
  return Buffer.concat([Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), Buffer.from(data), Buffer.from('\r\n')])
}

export function closing (boundary = BOUNDARY): Buffer {
  return Buffer.from(`--${boundary}--\r\n`)
}

/** A form-data part: a Buffer becomes a file part (with a filename), anything else text (objects as JSON). */
export function formPart (name: string, v: unknown, boundary = BOUNDARY): Buffer {
  if (Buffer.isBuffer(v)) {
    const type = v[0] === 0x89 ? 'image/png' : v[0] === 0xff ? 'image/jpeg' : 'application/octet-stream'
    return rawPart([`Content-Disposition: form-data; name="${name}"; filename="${name}.bin"`, `Content-Type: ${type}`], v, boundary)
  }
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  return rawPart([`Content-Disposition: form-data; name="${name}"`], text ?? 'null', boundary)
}

export function encodeMultipart (entries: Entry[], boundary = BOUNDARY): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) for (const v of Array.isArray(e.value) && e.value.every(Buffer.isBuffer) ? e.value : [e.value]) parts.push(formPart(e.name, v, boundary))
  return Buffer.concat([...parts, closing(boundary)])
}

/** Encode entries for a content type; image/* bodies are the first binary entry (or the JPEG). */
export function encode (type: string, entries: Entry[], assets: Assets): Buffer {
  if (type.startsWith('multipart/')) return encodeMultipart(entries)
  if (type === 'application/x-www-form-urlencoded') return encodeForm(entries)
  if (type.startsWith('image/') || type === 'application/octet-stream') {
    const bin = entries.map((e) => e.value).find(Buffer.isBuffer)
    return bin ?? assets.jpeg
  }
  return encodeJson(entries)
}

/** The content-type header for an encoded body. */
export function contentType (type: string): string {
  return type.startsWith('multipart/') ? `${type}; boundary=${BOUNDARY}` : type
}

/** Header parameters the document marks required, with a minted value, the first allowed one, or a word. */
export function baseHeaders (target: Target, minted?: Map<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const h of target.op?.headers ?? []) {
    if (!h.required) continue
    out.push([h.name, minted?.get(norm(h.name)) ?? (h.schema.enum as string[] | undefined)?.[0] ?? 'fuzz-key'])
  }
  return out
}
