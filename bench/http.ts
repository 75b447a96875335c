/**
 * One HTTP exchange with node:http, returning the exact bytes and headers that came back (no
 * content decoding, no added accept-encoding, unlike fetch), so what the bench captures from the
 * sandbox is byte for byte what the floor replays. Used for capturing answers, the health probe
 * and the upload clients.
 */
import http from 'node:http'

export interface Exchange {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: Buffer
}

export interface Answer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** Hop-by-hop and per-response headers that a replay must not copy. */
const PER_RESPONSE = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'])

/** The answer's headers that a replay must send to look the same on the wire. */
export function replayHeaders (answer: Answer): Record<string, string> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !PER_RESPONSE.has(k)))
}

function flatHeaders (res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/**
 * Sends one request and resolves with the whole answer. A server that answers before it has read
 * the whole body (an oversize refusal) resolves with that answer even if the upload then fails.
 * Without `agent`, one connection per request.
 */
export async function exchange (base: string, ex: Exchange, agent?: http.Agent, timeoutMs = 60_000): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const headers = { ...ex.headers, ...(ex.body !== undefined ? { 'content-length': String(ex.body.length) } : {}) }
    const req = http.request(new URL(ex.path, base), { method: ex.method, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res), body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)))
    req.end(ex.body)
  })
}
