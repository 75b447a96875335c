/**
 * One HTTP/1.1 exchange over a raw socket (node:net), so that the fuzzer can send what fetch/undici
 * refuse to: lying Content-Length, duplicated or malformed headers, NUL and raw UTF-8 in the target,
 * bodies on OPTIONS, half-closed connections. The response is parsed just enough to judge it: status,
 * headers, body (Content-Length, chunked, or until close). Every exchange is bounded by a timeout.
 */
import net from 'node:net'

export interface WireRequest {
  method: string
  /** Request target as sent (path and query): may hold raw UTF-8, NUL, or anything else. */
  path: string
  /** In order, duplicates allowed. No `connection` header unless given: keep-alive, as most clients. */
  headers: Array<[string, string]>
  body: Buffer
  /** Announced Content-Length: default body.length (none for an empty body without one); null: none. */
  contentLength?: number | null
  /** Bytes of the body actually written (default: all). */
  sendBytes?: number
  /** Half-close the connection once written (the body may then be incomplete). */
  endAfterSend?: boolean
  /** Replace the whole request head (request line and headers) by these bytes. */
  rawHead?: Buffer
}

export type Outcome =
  | { type: 'response', status: number, headers: Record<string, string>, body: Buffer, ms: number }
  | { type: 'closed', ms: number, error: string | undefined } // closed or reset without a response
  | { type: 'timeout', ms: number, partial: number } // nothing complete within the timeout: a hang
  | { type: 'refused', ms: number, error: string } // nobody listening: the server is gone

export function headOf (req: WireRequest): Buffer {
  if (req.rawHead !== undefined) return req.rawHead
  const lines = [`${req.method} ${req.path} HTTP/1.1`]
  const names = new Set(req.headers.map(([k]) => k.toLowerCase()))
  if (!names.has('host')) lines.push('host: 127.0.0.1')
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`)
  const cl = req.contentLength === undefined ? (req.body.length > 0 || req.method !== 'GET' ? req.body.length : null) : req.contentLength
  if (cl !== null && !names.has('content-length') && !names.has('transfer-encoding')) lines.push(`content-length: ${cl}`)
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8')
}

/** Parse what was received: a complete response, or undefined when more bytes are needed. */
export function parseResponse (buf: Buffer, ended: boolean, head = false): { status: number, headers: Record<string, string>, body: Buffer } | undefined {
  let start = 0
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', start)
    if (end < 0) return undefined
    const lines = buf.subarray(start, end).toString('latin1').split('\r\n')
    const status = Number((lines[0] ?? '').split(' ')[1])
    const headers: Record<string, string> = {}
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':')
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    const rest = buf.subarray(end + 4)
    if (status >= 100 && status < 200) { start = end + 4; continue } // 100 Continue and friends
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) }
    if (headers['transfer-encoding']?.includes('chunked') === true) {
      const body = dechunk(rest)
      return body === undefined ? (ended ? { status, headers, body: rest } : undefined) : { status, headers, body }
    }
    const cl = headers['content-length']
    if (cl !== undefined) {
      const n = Number(cl)
      if (rest.length >= n) return { status, headers, body: rest.subarray(0, n) }
      return ended ? { status, headers, body: rest } : undefined
    }
    return ended ? { status, headers, body: rest } : undefined
  }
}

function dechunk (buf: Buffer): Buffer | undefined {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = buf.indexOf('\r\n', at)
    if (eol < 0) return undefined
    const size = Number.parseInt(buf.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size)) return undefined
    if (size === 0) return Buffer.concat(parts)
    if (buf.length < eol + 2 + size + 2) return undefined
    parts.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/**
 * Send one request on a fresh connection and wait for the answer, the close, or the timeout. The
 * connection is kept alive, as browsers, fetch and curl do, and closed by us once the answer is in:
 * a server that answers early and then closes without reading the rest of the body makes the
 * client's writes fail and its kernel drop the answer (RFC 9112 §9.6, "the TCP reset problem").
 */
export async function exchange (port: number, req: WireRequest, timeoutMs: number): Promise<Outcome> {
  const started = performance.now()
  const ms = (): number => Math.round(performance.now() - started)
  return await new Promise<Outcome>((resolve) => {
    const chunks: Buffer[] = []
    let settled = false
    let connected = false
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const finish = (o: Outcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(o)
    }
    const timer = setTimeout(() => finish({ type: 'timeout', ms: ms(), partial: Buffer.concat(chunks).length }), timeoutMs)
    const check = (ended: boolean, error?: string): void => {
      const r = parseResponse(Buffer.concat(chunks), ended, req.method === 'HEAD')
      if (r !== undefined) finish({ type: 'response', ...r, ms: ms() })
      else if (ended) finish({ type: 'closed', ms: ms(), error })
    }
    socket.on('connect', () => {
      connected = true
      const n = req.sendBytes ?? req.body.length
      socket.write(headOf(req))
      if (n > 0) socket.write(req.body.subarray(0, n))
      if (req.endAfterSend === true) socket.end()
    })
    socket.on('data', (d: Buffer) => { chunks.push(d); check(false) })
    socket.on('end', () => check(true))
    socket.on('close', () => check(true))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) finish({ type: 'refused', ms: ms(), error: err.code ?? err.message })
      else check(true, err.code ?? err.message)
    })
  })
}
