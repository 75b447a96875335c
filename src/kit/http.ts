/**
 * The kit's HTTP: node:http/https rather than fetch, because a phone-style setup serves HTTPS with
 * a private certificate authority, and only node:https takes a `ca` per request (fetch needs
 * undici's dispatcher, which is not a dependency). Keep-alive sockets of Node's global agents are
 * unreferenced while idle, so a test process still exits on its own.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'

export interface HttpOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  ca?: string | string[] | undefined
  timeoutMs?: number
  signal?: AbortSignal | undefined
}

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

function send (url: URL, opts: HttpOptions): http.ClientRequest {
  const lib = url.protocol === 'https:' ? https : http
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(Buffer.byteLength(opts.body))
  }
  const req = lib.request(url, {
    method: opts.method ?? 'GET',
    headers,
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal })
  })
  if (opts.timeoutMs !== undefined) {
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })))
  }
  req.end(opts.body)
  return req
}

/** One request; resolves with the whole body as text. Rejects on network errors only. */
export async function request (url: URL, opts: HttpOptions = {}): Promise<HttpAnswer> {
  return await new Promise((resolve, reject) => {
    const req = send(url, opts)
    req.on('error', reject)
    req.on('response', (res) => {
      res.setEncoding('utf8')
      let body = ''
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
  })
}

/** Opens a response stream (server-sent events); resolves once the headers arrive. */
export async function openStream (url: URL, opts: HttpOptions = {}): Promise<IncomingMessage> {
  return await new Promise((resolve, reject) => {
    const req = send(url, { ...opts, headers: { ...opts.headers, accept: 'text/event-stream' } })
    req.on('error', reject)
    req.on('response', resolve)
  })
}

export interface ServerSentEvent { event: string, data: string, id: string | undefined }

/**
 * A server-sent events parser (the WHATWG "text/event-stream" rules that matter here): lines
 * `field: value`, events ended by a blank line, multi-line data joined by newlines, comments ignored.
 * Feed it text as it arrives; it calls `onEvent` for each complete event.
 */
export function sseParser (onEvent: (e: ServerSentEvent) => void): (chunk: string) => void {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: event === '' ? 'message' : event, data: data.join('\n'), id })
      event = ''
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
    else if (field === 'id') id = value
  }
  return (chunk) => {
    buffer += chunk
    let nl = buffer.search(/\r\n|\r|\n/)
    while (nl >= 0) {
      const sep = buffer.startsWith('\r\n', nl) ? 2 : 1
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for more.
      if (buffer[nl] === '\r' && nl === buffer.length - 1) break
      line(buffer.slice(0, nl))
      buffer = buffer.slice(nl + sep)
      nl = buffer.search(/\r\n|\r|\n/)
    }
  }
}
