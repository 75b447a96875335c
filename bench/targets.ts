/**
 * Targets A, B and C: one request each, sent by autocannon to the sandbox and to the floor. The
 * sandbox's answer is captured first (twice, to see whether it varies per request) and handed to
 * the floor, which then answers the same request with the same bytes; `checkFloor` confirms it
 * does before any load is measured.
 */
import autocannon from 'autocannon'
import { exchange, replayHeaders, type Answer, type Exchange } from './http.js'
import type { FloorRoute } from './floor.js'
import { multipart } from './images.js'

export type TargetId = 'A' | 'B' | 'C'

export interface Target extends Exchange {
  id: TargetId
  label: string
  reads: FloorRoute['reads']
}

export interface Load {
  rps: number
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
}

export interface Capture {
  answer: Answer
  /** How the sandbox's answer changed between two identical requests ('' when it did not). */
  varies: string
}

export function targets (selfie: Buffer): Target[] {
  const mp = multipart('image', selfie, 'selfie.jpg')
  return [
    { id: 'A', label: 'GET /weber/api/v1/services', reads: 'nothing', method: 'GET', path: '/weber/api/v1/services' },
    {
      id: 'B',
      label: 'POST /fpt/session/init',
      reads: 'nothing',
      method: 'POST',
      path: '/fpt/session/init',
      headers: { 'api-key': 'bench-key', client_uuid: 'bench-client', 'device-type': 'api' }
    },
    {
      id: 'C',
      label: `POST /gtriip/liveness/ (${(selfie.length / 1000).toFixed(0)} KB JPEG, multipart)`,
      reads: 'image-part',
      method: 'POST',
      path: '/gtriip/liveness/',
      headers: { 'content-type': mp.type, 'x-api-key': 'bench-key' },
      body: mp.body
    }
  ]
}

function difference (a: Buffer, b: Buffer): string {
  if (a.equals(b)) return ''
  let differing = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differing++
  return `${differing} of ${a.length} bytes differ` + (a.length === b.length ? '' : `, lengths ${a.length} and ${b.length}`)
}

export async function capture (url: string, target: Target): Promise<Capture> {
  const first = await exchange(url, target)
  const second = await exchange(url, target)
  return { answer: first, varies: difference(first.body, second.body) }
}

export function floorRoute (target: Target, answer: Answer): FloorRoute {
  return { method: target.method, path: target.path, reads: target.reads, status: answer.status, headers: replayHeaders(answer), body: answer.body.toString('base64') }
}

/** '' when the floor answers the captured status, headers and body; otherwise what differs. */
export async function checkFloor (floorUrl: string, target: Target, captured: Answer): Promise<string> {
  const got = await exchange(floorUrl, target)
  const problems: string[] = []
  if (got.status !== captured.status) problems.push(`status ${got.status} instead of ${captured.status}`)
  const body = difference(captured.body, got.body)
  if (body !== '') problems.push(`body: ${body}`)
  const want = replayHeaders(captured)
  const have = replayHeaders(got)
  for (const k of new Set([...Object.keys(want), ...Object.keys(have)])) {
    if (want[k] !== have[k]) problems.push(`header ${k}: ${String(have[k])} instead of ${String(want[k])}`)
  }
  return problems.join('; ')
}

export async function load (url: string, target: Target, connections: number, duration: number): Promise<Load> {
  const r = await autocannon({ url: new URL(target.path, url).href, method: target.method, headers: target.headers, body: target.body, connections, duration })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts
  }
}
