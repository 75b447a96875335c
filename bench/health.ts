/**
 * GET /__admin/health latency while big bodies arrive (issue 11, point 6: goal p99 <= 50 ms). The
 * probe sends one health request at a time on one keep-alive connection, 10 ms apart, for `seconds`
 * and at least `minProbes` requests, bounded by `maxProbes` and by 3 x `seconds` (a probe that fails
 * or is still unanswered then counts as unanswered and ends the phase). Phases: no load, each upload
 * load of bench/uploader.ts (a separate process) alone, then all of them at once. The health route
 * does no I/O, so its latency is how long the sandbox's event loop leaves a request waiting.
 */
import { fork, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { exchange } from './http.js'
import type { FromUploader, Streams, Tally, ToUploader } from './uploader.js'

export interface HealthPhase {
  phase: string
  probes: number
  non200: number
  /** Probes without an answer: cut after 3 x `seconds`, or failed (their latency: until then). */
  unanswered: number
  p50: number
  p99: number
  max: number
  uploads: Tally
}

export interface HealthOptions {
  clients: number
  seconds: number
  minProbes: number
  maxProbes: number
}

const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN

/** One health request's latency in ms and status (0: no answer, cut after timeoutMs or failed). */
async function once (url: string, agent: http.Agent, timeoutMs: number): Promise<{ ms: number, status: number }> {
  const sent = performance.now()
  const status = await exchange(url, { method: 'GET', path: '/__admin/health' }, agent, timeoutMs).then((a) => a.status, () => 0)
  return { ms: performance.now() - sent, status }
}

async function probe (url: string, o: HealthOptions): Promise<Omit<HealthPhase, 'phase' | 'uploads'>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const cap = o.seconds * 3000
  const ms: number[] = []
  let non200 = 0
  let unanswered = 0
  const t0 = performance.now()
  const more = (elapsed: number): boolean => unanswered === 0 && ms.length < o.maxProbes && elapsed < cap &&
    (elapsed < o.seconds * 1000 || ms.length < o.minProbes)
  while (more(performance.now() - t0)) {
    const r = await once(url, agent, cap)
    if (r.status === 0) unanswered++
    else if (r.status !== 200) non200++
    ms.push(r.ms)
    await sleep(10)
  }
  agent.destroy()
  ms.sort((a, b) => a - b)
  return { probes: ms.length, non200, unanswered, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), max: ms.at(-1) ?? NaN }
}

function phases (n: number): Array<{ phase: string, streams: Streams }> {
  const half = Math.floor(n / 2)
  return [
    { phase: 'no load', streams: {} },
    { phase: `${n} clients: Gtriip 5 MB multipart`, streams: { gtriip: n } },
    { phase: `${n} clients: Oz 5 MB raw`, streams: { oz: n } },
    { phase: `${n} clients: Riset >64 MiB JSON (refused)`, streams: { riset: n } },
    { phase: `${half} Gtriip + ${n - half} Oz + ${n} Riset at once`, streams: { gtriip: half, oz: n - half, riset: n } }
  ]
}

class Uploader {
  private constructor (private readonly child: ChildProcess) {}

  static async start (url: string): Promise<{ uploader: Uploader, ready: { jpegBytes: number, risetBytes: number } }> {
    const child = fork(fileURLToPath(new URL('./uploader.ts', import.meta.url)), [url], { execArgv: ['--import', 'tsx'] })
    const uploader = new Uploader(child)
    const m = await uploader.next()
    if (!('ready' in m)) throw new Error('the uploader did not start')
    return { uploader, ready: m.ready }
  }

  async next (): Promise<FromUploader> {
    return await new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the uploader exited with ${String(code)}`))
      this.child.once('exit', onExit)
      this.child.once('message', (m: FromUploader) => { this.child.off('exit', onExit); resolve(m) })
    })
  }

  send (m: ToUploader): void { this.child.send(m) }

  close (): void { this.child.kill() }
}

async function underLoad (url: string, uploader: Uploader, streams: Streams, o: HealthOptions): Promise<Omit<HealthPhase, 'phase'>> {
  uploader.send({ go: streams })
  await sleep(1000) // uploads in flight before the first probe
  const latency = await probe(url, o)
  uploader.send({ stop: true })
  const m = await uploader.next()
  return { ...latency, uploads: 'tally' in m ? m.tally : {} }
}

export async function measureHealth (url: string, o: HealthOptions, log: (line: string) => void): Promise<{ phases: HealthPhase[], jpegBytes: number, risetBytes: number }> {
  const { uploader, ready } = await Uploader.start(url)
  const out: HealthPhase[] = []
  try {
    for (const { phase, streams } of phases(o.clients)) {
      const result = Object.keys(streams).length === 0 ? { ...(await probe(url, o)), uploads: {} } : await underLoad(url, uploader, streams, o)
      out.push({ phase, ...result })
      log(`  health, ${phase}: p99 ${result.p99.toFixed(1)} ms`)
    }
  } finally {
    uploader.close()
  }
  return { phases: out, ...ready }
}
