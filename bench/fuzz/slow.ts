/**
 * Slow clients (issue 11, point 3): connections that send their headers, announce a body, then send
 * it one byte per second. Each must be answered or closed by the server within the cap; one still
 * open at the cap is a hang (the client then gives up, so the run stays bounded).
 */
import net from 'node:net'
import type { Target } from './routes.js'
import type { Minted } from './mint.js'
import { baseHeaders, BOUNDARY } from './samples.js'
import { headOf, parseResponse } from './wire.js'

export interface SlowResult {
  route: string
  vendor: string
  /** 'answered' (status), 'closed' by the server, or 'hang' (still open at the cap). */
  end: 'answered' | 'closed' | 'hang'
  status: number | undefined
  seconds: number
  bytesSent: number
  /** performance.now() when it ended (a dropped slow client may make the server log an abort). */
  endedAt: number
}

const ANNOUNCED = 100_000

function slowOne (port: number, t: Target, minted: Minted, capSeconds: number): Promise<SlowResult> {
  const started = performance.now()
  const secs = (): number => Math.round((performance.now() - started) / 100) / 10
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let sent = 0
    let done = false
    const socket = net.connect({ port, host: '127.0.0.1' })
    const finish = (end: SlowResult['end'], status?: number): void => {
      if (done) return
      done = true
      clearInterval(drip)
      clearTimeout(cap)
      socket.destroy()
      resolve({ route: t.key, vendor: t.vendor.id, end, status, seconds: secs(), bytesSent: sent, endedAt: performance.now() })
    }
    const type = t.op?.bodies[0]?.type ?? 'application/json'
    const headers: Array<[string, string]> = [...baseHeaders(t, minted), ['content-type', type.startsWith('multipart/') ? `${type}; boundary=${BOUNDARY}` : type], ['connection', 'keep-alive']]
    socket.on('connect', () => socket.write(headOf({ method: t.method, path: t.path, headers, body: Buffer.alloc(0), contentLength: ANNOUNCED })))
    const drip = setInterval(() => {
      if (socket.writable) { socket.write('a'); sent++ }
    }, 1000)
    const cap = setTimeout(() => finish('hang'), capSeconds * 1000)
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      const r = parseResponse(Buffer.concat(chunks), false)
      if (r !== undefined) finish('answered', r.status)
    })
    socket.on('end', () => finish('closed'))
    socket.on('close', () => finish('closed'))
    socket.on('error', () => finish('closed'))
  })
}

/**
 * `n` slow clients at once, on routes that take a body (one vendor after the other), with minted
 * credentials so that authentication does not answer before the body matters; each bounded by capSeconds.
 */
export async function slowClients (port: number, targets: Target[], n: number, capSeconds: number, mint: (t: Target) => Promise<Minted>): Promise<SlowResult[]> {
  const withBody = targets.filter((t) => (t.op?.bodies.length ?? 0) > 0)
  if (withBody.length === 0 || n <= 0) return []
  // One vendor after the other, so that a few clients already cover every vendor.
  const byVendor = new Map<string, Target[]>()
  for (const t of withBody) byVendor.set(t.vendor.id, [...byVendor.get(t.vendor.id) ?? [], t])
  const lists = [...byVendor.values()]
  const order: Target[] = []
  for (let i = 0; order.length < withBody.length; i++) for (const l of lists) if (i < l.length) order.push(l[i] as Target)
  const chosen = Array.from({ length: n }, (_v, i) => order[i % order.length] as Target)
  const minted = await Promise.all(chosen.map(mint))
  return await Promise.all(chosen.map((t, i) => slowOne(port, t, minted[i] as Minted, capSeconds)))
}
