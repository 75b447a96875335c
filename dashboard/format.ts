/** Text for people: scenario rules as YAML, bodies with binary payloads spelled out, curl commands. */
import type { Entry } from './types'

type Binary = { bytes: number, sha256: string }

/** The journal's stand-in for image and other binary payloads (CONTRACT.md: never inline). */
export function isBinary (v: unknown): v is Binary {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const keys = Object.keys(v)
  return keys.length === 2 && typeof (v as Binary).bytes === 'number' && typeof (v as Binary).sha256 === 'string'
}

export function binaryText (b: Binary): string {
  return `<binary: ${b.bytes.toLocaleString('en')} bytes, sha256 ${b.sha256}>`
}

function scalar (v: unknown): string {
  if (typeof v === 'string') return /^[\w./@ -]+$/.test(v) && !/^(true|false|null|~|[-\d.]+)$/i.test(v) && v.trim() === v && v !== '' ? v : JSON.stringify(v)
  return JSON.stringify(v) ?? 'null'
}

/** A readable YAML rendering (the format scenario files are written in). */
export function toYaml (v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]'
    return v.map((item) => {
      const inner = toYaml(item, indent + '  ')
      return `${indent}- ${isBlock(item) ? inner.trimStart() : inner}`
    }).join('\n')
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v)
    if (entries.length === 0) return '{}'
    return entries.map(([k, val]) => isBlock(val) ? `${indent}${k}:\n${toYaml(val, indent + '  ')}` : `${indent}${k}: ${scalar(val)}`).join('\n')
  }
  return scalar(v)
}

function isBlock (v: unknown): boolean {
  return v !== null && typeof v === 'object' && Object.keys(v).length > 0
}

/** A body pretty-printed: JSON indented, binary payloads as size and sha256. */
export function prettyBody (body: unknown): string {
  if (body === null || body === undefined || body === '') return '(empty)'
  if (isBinary(body)) return binaryText(body)
  if (typeof body === 'string') {
    try { return JSON.stringify(JSON.parse(body), null, 2) } catch { return body }
  }
  return JSON.stringify(body, (_k, v: unknown) => isBinary(v) ? binaryText(v) : v, 2)
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`

/** How the journal shows a redacted credential or session id (core/journal/summarise.ts, redact). */
const REDACTED = /…\[redacted [0-9a-f]{12}\]$/

/** Headers curl sets itself, or that describe the original connection. */
const SKIP = new Set(['host', 'connection', 'content-length', 'accept-encoding', 'transfer-encoding', 'keep-alive', 'expect'])

interface MultipartBody { fields: Record<string, unknown[]>, files: Array<{ field: string, filename: string | null, mimetype?: string, content: unknown }> }

function isMultipart (body: unknown): body is MultipartBody {
  return body !== null && typeof body === 'object' && 'fields' in body && 'files' in body && Array.isArray((body as MultipartBody).files)
}

/**
 * The entry as a curl command against this sandbox. The journal keeps sizes and hashes, not the
 * bytes, of binary payloads: those become @file placeholders and a comment says which file to use.
 */
export function toCurl (e: Entry, origin: string): string {
  const lines: string[] = []
  const notes: string[] = []
  const url = /^https?:/.test(e.path) ? e.path : origin + e.path
  lines.push(`curl -X ${e.method} ${shellQuote(url)}`)
  const body = e.request.body
  const multipart = isMultipart(body)
  for (const [k, v] of Object.entries(e.request.headers ?? {})) {
    if (SKIP.has(k) || (multipart && k === 'content-type')) continue
    for (const value of Array.isArray(v) ? v : [v]) {
      if (!REDACTED.test(String(value))) {
        lines.push(`-H ${shellQuote(`${k}: ${String(value)}`)}`)
        continue
      }
      // The journal keeps credentials as a prefix and a hash: the command takes them from the shell.
      const name = k.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
      lines.push(`-H "${k}: $${name}"`)
      notes.push(`# ${k} is redacted in the journal: set ${name} to the value your client sent`)
    }
  }
  if (multipart) {
    for (const [name, values] of Object.entries(body.fields)) for (const v of values) lines.push(`-F ${shellQuote(`${name}=${String(v)}`)}`)
    for (const f of body.files) {
      const file = f.filename ?? `${f.field}.bin`
      lines.push(`-F ${shellQuote(`${f.field}=@${file}${f.mimetype !== undefined ? `;type=${f.mimetype}` : ''}`)}`)
      if (isBinary(f.content)) notes.push(`# ${file}: ${binaryText(f.content)}`)
    }
  } else if (body !== null && body !== undefined && body !== '') {
    if (isBinary(body)) {
      lines.push("--data-binary '@body.bin'")
      notes.push(`# body.bin: ${binaryText(body)}`)
    } else {
      const text = typeof body === 'string' ? body : JSON.stringify(body, (_k, v: unknown) => isBinary(v) ? `<base64 of ${v.bytes} bytes, sha256 ${v.sha256}>` : v)
      if (typeof body !== 'string' && text.includes('<base64 of ')) notes.push('# binary payloads are not kept by the journal: replace each <base64 of ...> with the base64 of your file')
      lines.push(`--data-raw ${shellQuote(text)}`)
    }
  }
  return [...notes, lines.join(' \\\n  ')].join('\n')
}

/** 90 → "01:30", 5400 → "1:30:00", 2 days → "2d 00:00:00". */
export function duration (seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const two = (n: number): string => String(n).padStart(2, '0')
  const hms = h > 0 || d > 0 ? `${d > 0 ? two(h) : h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`
  return d > 0 ? `${d}d ${hms}` : hms
}

/** "+1d 00:30:00 ahead of real time", or "real time". */
export function offsetText (ms: number): string {
  return ms === 0 ? 'real time' : `${duration(ms / 1000)} ahead of real time`
}
