/**
 * Sends the cases with a few connections at a time, judges each answer, and keeps the server
 * running: a crash is recorded with the requests in flight, and the server is started again so the
 * rest of the run still finds things. What needs a second look (requests left without an answer,
 * error-level log lines) is kept for replay.ts.
 */
import { describeCase, describeOutcome, judge, type Finding, type Problem } from './check.js'
import type { Case, Ctx, Kind } from './cases.js'
import { mintFor, type Minted } from './mint.js'
import type { Target, Vendor } from './routes.js'
import type { Assets } from './samples.js'
import type { LogLine, Server } from './server.js'
import { exchange } from './wire.js'

export interface Counts { requests: number, ms: number, findings: Partial<Record<Problem, number>> }

export interface RunState {
  requests: number
  statuses: Map<number, number>
  byKind: Map<string, Counts>
  byRoute: Map<string, Counts>
  findings: Finding[]
  /** Pairs (kind, target) not run because the time cap came first. */
  skipped: number
  restarts: number
  /** Error-level log lines with the requests that may have caused them (attributed by attributeLogs). */
  logs: Array<{ key: string, suspects: Case[], at: number }>
  /** Requests sent again to attribute log lines. */
  replayed: number
  /** Accepted 5xx answers (documented for their operation), for the report. */
  documented: string[]
  /** Requests without an answer within the timeout, or closed without one, to be sent again. */
  timedOut: Case[]
  closed: Case[]
  /** Requests left without an answer once but answered when sent again (not counted). */
  flaky: string[]
}

export interface RunOptions {
  seed: number
  count: number
  concurrency: number
  timeoutMs: number
  /** performance.now() after which no new case starts. */
  deadline: number
  /** Print every request and its answer (--trace). */
  trace: boolean
  assets: Assets
}

const bump = (m: Map<string, Counts>, key: string, problem?: Problem, ms = 0): void => {
  const c = m.get(key) ?? { requests: 0, ms: 0, findings: {} }
  if (problem === undefined) { c.requests++; c.ms += ms } else c.findings[problem] = (c.findings[problem] ?? 0) + 1
  m.set(key, c)
}

export function record (state: RunState, f: Finding): void {
  state.findings.push(f)
  bump(state.byKind, f.kind, f.problem)
  bump(state.byRoute, f.route, f.problem)
}

/** Every (kind, target) pair, in a seeded order, so that a time cap cuts evenly across kinds and routes. */
export function pairsOf (kinds: Kind[], targets: Target[], seed: number): Array<[Kind, Target]> {
  const pairs = kinds.flatMap((k) => targets.map((t): [Kind, Target] => [k, t]))
  let s = seed >>> 0
  for (let i = pairs.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const j = s % (i + 1)
    ;[pairs[i], pairs[j]] = [pairs[j] as [Kind, Target], pairs[i] as [Kind, Target]]
  }
  return pairs
}

let reviving: Promise<unknown> | undefined

/** The server exited: record the crash (once) with the suspects, and start it again. */
export async function revive (server: Server, state: RunState, suspects: Case[]): Promise<void> {
  if (reviving === undefined) {
    const ex = server.exited
    record(state, { problem: 'crash', kind: suspects[0]?.kind ?? '(none in flight)', route: suspects[0]?.target.key ?? '(server)', repro: suspects.map(describeCase).join(' | ') || '(none in flight)', got: `exit code ${ex?.code} signal ${ex?.signal}` })
    state.restarts++
    reviving = server.start().finally(() => { reviving = undefined })
  }
  await reviving
}

export const logKey = (l: LogLine): string => `level ${l.level}: ${l.msg}${l.err === undefined ? '' : `: ${l.err}`}`

/**
 * Requests that may have caused a log line, the likeliest first: those in flight, then those answered
 * in the last second, nearest in time first (a line is read from the pipe about when the answer
 * arrives); only the vendor's the message names, if any.
 */
function suspectsOf (l: LogLine, inflight: Iterable<Case>, recent: Array<{ c: Case, at: number }>): Case[] {
  const now = performance.now()
  const near = recent.filter((r) => now - r.at < 1000).sort((a, b) => b.at - a.at).map((r) => r.c)
  const all = [...inflight, ...near]
  const vendor = /^(\w+)[: ]/.exec(l.msg)?.[1]
  const same = all.filter((c) => c.target.vendor.id === vendor)
  return (same.length > 0 ? same : all).slice(0, 8)
}

export async function runCases (server: Server, vendors: Vendor[], pairs: Array<[Kind, Target]>, opts: RunOptions, state: RunState, rng: (k: Kind, t: Target) => Ctx['rng']): Promise<void> {
  const inflight = new Set<Case>()
  const recent: Array<{ c: Case, at: number }> = []
  server.onError = (l: LogLine) => { state.logs.push({ key: logKey(l), suspects: suspectsOf(l, inflight, recent), at: performance.now() }) }
  const alive = async (): Promise<void> => {
    if (!server.alive) await revive(server, state, [...inflight, ...recent.slice(-opts.concurrency).map((r) => r.c)])
  }
  let next = 0
  const queue: Case[] = []
  // A (kind, target) pair's cases are built when reached, with credentials minted for it.
  const take = async (): Promise<Case | undefined> => {
    while (queue.length === 0 && next < pairs.length && performance.now() < opts.deadline) {
      const [k, t] = pairs[next++] as [Kind, Target]
      await alive()
      const minted: Minted = await mintFor(`http://127.0.0.1:${server.port}`, t, opts.assets)
      queue.push(...k.cases(t, { count: opts.count, assets: opts.assets, rng: rng(k, t), minted }))
    }
    return performance.now() < opts.deadline ? queue.shift() : undefined
  }
  const worker = async (): Promise<void> => {
    for (let c = await take(); c !== undefined; c = await take()) {
      await alive()
      inflight.add(c)
      const o = await exchange(server.port, c, opts.timeoutMs)
      inflight.delete(c)
      recent.push({ c, at: performance.now() })
      if (recent.length > 8 * opts.concurrency) recent.shift()
      state.requests++
      bump(state.byKind, c.kind, undefined, o.ms)
      bump(state.byRoute, c.target.key, undefined, o.ms)
      if (o.type === 'response') state.statuses.set(o.status, (state.statuses.get(o.status) ?? 0) + 1)
      if (opts.trace) console.log(`${c.kind} ${describeCase(c)}\n    -> ${describeOutcome(o)}`)
      if (o.type === 'refused') { await alive(); continue }
      if (o.type === 'timeout') { state.timedOut.push(c); continue }
      if (o.type === 'closed' && c.needsAnswer) { state.closed.push(c); continue }
      const j = judge(c, o, vendors)
      if (j.documented5xx) state.documented.push(`${describeCase(c)} -> ${describeOutcome(o)}`)
      for (const f of j.findings) record(state, f)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  state.skipped = pairs.length - next + (queue.length > 0 ? 1 : 0)
}
