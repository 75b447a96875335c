/**
 * Judging one answer. The rule for 5xx (see also the header of bench/fuzz.ts):
 *
 * - A 5xx is accepted only when the request lands on a documented operation (method and path
 *   template of the vendor's OpenAPI document), that operation lists the status, and the body is the
 *   documented JSON for that status (or empty where the status's description says so, as Weber's
 *   "an empty body when ..."). Everything else is an "undocumented 5xx": in particular any 5xx on an unknown path, a
 *   wrong method or a prefix, where the vendors document a 404/405 and no server error.
 * - Whatever the status, `x-sandbox-error: internal` (the sandbox's answer to its own bug) and a
 *   Fastify-shaped body (`{"statusCode":..,"error":..,"message":..}`) are findings.
 * - No complete answer within the timeout is a hang; a connection closed without an answer is
 *   "unanswered" unless the request itself was incomplete (the client closed mid-body). Both are
 *   sent a second time before they count (runner.ts, confirmUnanswered).
 */
import type { Case } from './cases.js'
import { matchOperation, type Vendor } from './routes.js'
import type { Outcome } from './wire.js'

export type Problem = 'hang' | 'unanswered' | 'internal' | 'fastify-shape' | 'undocumented-5xx' | 'crash' | 'error-log'

export interface Finding {
  problem: Problem
  kind: string
  route: string
  repro: string
  got: string
}

export interface Judged {
  findings: Finding[]
  /** A 5xx that the document lists for the operation (counted, not a finding). */
  documented5xx: boolean
}

function fastifyShaped (body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) &&
    typeof (body as Record<string, unknown>).statusCode === 'number' && 'error' in body && 'message' in body
}

function parseJson (b: Buffer): unknown {
  try { return JSON.parse(b.toString('utf8')) } catch { return undefined }
}

const short = (s: string, n: number): string => s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s
/** A printable, bounded rendering of a string that may hold NUL, control characters or megabytes. */
export const printable = (s: string, n = 120): string => short(JSON.stringify(s).slice(1, -1), n)

export function describeOutcome (o: Outcome): string {
  switch (o.type) {
    case 'response': {
      const err = o.headers['x-sandbox-error']
      return `${o.status}${err === undefined ? '' : ` x-sandbox-error: ${err}`} ${printable(o.body.toString('utf8'), 160)} (${o.ms} ms)`
    }
    case 'closed': return `closed without an answer after ${o.ms} ms${o.error === undefined ? '' : ` (${o.error}${/EPIPE|ECONNRESET/.test(o.error) ? ': the server closed while the body was still being sent' : ''})`}`
    case 'timeout': return `no complete answer in ${o.ms} ms (${o.partial} B received)`
    case 'refused': return `connection refused (${o.error})`
  }
}

/** One line that says exactly what was sent (long header values abbreviated). */
export function describeCase (c: Case): string {
  const hs = c.headers.filter(([k]) => !['host', 'connection'].includes(k.toLowerCase()))
    .map(([k, v]) => `${printable(k, 40)}: ${printable(v, 60)}`)
  const shownHeaders = hs.length > 8 ? [...hs.slice(0, 6), `…${hs.length - 6} more headers`] : hs
  const framing = [
    c.contentLength === null ? 'no content-length' : c.contentLength !== undefined ? `content-length ${c.contentLength}` : '',
    c.sendBytes !== undefined ? `${c.sendBytes} B sent` : '',
    c.endAfterSend === true ? 'client half-closes' : ''
  ].filter((x) => x !== '').join(', ')
  const head = c.rawHead === undefined ? `${c.method} ${printable(c.path, 100)}` : `raw head ${printable(c.rawHead.toString('latin1'), 60)}`
  return `${head} [${shownHeaders.join('; ')}] body: ${c.note}${framing === '' ? '' : ` (${framing})`}`
}

export function judge (c: Case, o: Outcome, vendors: Vendor[]): Judged {
  const findings: Finding[] = []
  const add = (problem: Problem): void => { findings.push({ problem, kind: c.kind, route: c.target.key, repro: describeCase(c), got: describeOutcome(o) }) }
  if (o.type === 'timeout') add('hang')
  if (o.type === 'closed' && c.needsAnswer) add('unanswered')
  if (o.type !== 'response') return { findings, documented5xx: false }
  const body = parseJson(o.body)
  if (o.headers['x-sandbox-error'] === 'internal') add('internal')
  if (fastifyShaped(body)) add('fastify-shape')
  let documented5xx = false
  if (o.status >= 500) {
    const op = c.rawHead === undefined ? matchOperation(vendors, c.method, c.path) : undefined
    const validate = op?.validator(o.status)
    const shapeOk = o.body.length === 0 ? op?.emptyOk.has(o.status) === true : (validate !== undefined && body !== undefined && validate(body))
    documented5xx = op !== undefined && op.statuses.has(o.status) && shapeOk && o.headers['x-sandbox-error'] === undefined
    if (!documented5xx) add('undocumented-5xx')
  }
  return { findings, documented5xx }
}
