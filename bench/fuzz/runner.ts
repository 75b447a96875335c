/**
 * Sends the cases with a few connections at a time, judges each answer, and keeps the server
 * running: a crash is recorded with the requests in flight, and the server is started again so the
 * rest of the run still finds things. Error-level log lines are attributed afterwards, by sending
 * their suspects again one at a time.
 */
import { describeCase, describeOutcome, judge, type Finding, type Problem } from './check.js'
import type { Case, Ctx, Kind } from './cases.js'
import { resolve, type Schema, type Target, type Vendor } from './routes.js'
import { sampleValue, TOKEN, type Assets } from './samples.js'
import type { LogLine, Server } from './server.js'
import { exchange, type Outcome } from './wire.js'

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

/** A fresh token from the vendor's token operation (a 200 body with a `*token*` field), for routes that need one. */
async function freshToken (base: string, v: Vendor, assets: Assets): Promise<string> {
  for (const op of v.ops) {
    const ok = resolve(v.doc, op.validators.get(200)?.schema as Schema | undefined)
    const prop = Object.keys((ok.properties ?? {}) as object).find((k) => /token/i.test(k))
    const json = op.bodies.find((b) => b.type === 'application/json')
    if (prop === undefined || json === undefined || op.headers.some((h) => h.required)) continue
    const res = await fetch(base + op.template, { method: op.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(sampleValue(v.doc, json.schema, assets)) })
    const token = (await res.json() as Record<string, unknown>)[prop]
    if (typeof token === 'string') return token
  }
  return 'fuzz-token'
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

/** The request as it goes on the wire: a fresh token where the route needs one. */
async function prepared (c: Case, server: Server, assets: Assets): Promise<Case> {
  if (!c.headers.some(([, v]) => v === TOKEN)) return c
  const token = await freshToken(`http://127.0.0.1:${server.port}`, c.target.vendor, assets)
  return { ...c, headers: c.headers.map(([k, v]): [string, string] => [k, v === TOKEN ? token : v]) }
}

const logKey = (l: LogLine): string => `level ${l.level}: ${l.msg}${l.err === undefined ? '' : `: ${l.err}`}`

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
  let restarting: Promise<unknown> | undefined
  const alive = async (): Promise<void> => {
    if (server.alive) return
    if (restarting === undefined) {
      const ex = server.exited
      record(state, { problem: 'crash', kind: '(in flight)', route: '(server)', repro: [...inflight].map(describeCase).join(' | ') || '(none in flight)', got: `exit code ${ex?.code} signal ${ex?.signal}` })
      state.restarts++
      restarting = server.start().finally(() => { restarting = undefined })
    }
    await restarting
  }
  let next = 0
  const queue: Case[] = []
  const take = (): Case | undefined => {
    while (queue.length === 0 && next < pairs.length && performance.now() < opts.deadline) {
      const [k, t] = pairs[next++] as [Kind, Target]
      queue.push(...k.cases(t, { count: opts.count, assets: opts.assets, rng: rng(k, t) }))
    }
    return performance.now() < opts.deadline ? queue.shift() : undefined
  }
  const worker = async (): Promise<void> => {
    for (let c = take(); c !== undefined; c = take()) {
      await alive()
      c = await prepared(c, server, opts.assets)
      inflight.add(c)
      const o = await exchange(server.port, c, opts.timeoutMs)
      inflight.delete(c)
      recent.push({ c, at: performance.now() })
      if (recent.length > 8 * opts.concurrency) recent.shift()
      state.requests++
      bump(state.byKind, c.kind, undefined, o.ms)
      bump(state.byRoute, c.target.key, undefined, o.ms)
      if (o.type === 'response') state.statuses.set(o.status, (state.statuses.get(o.status) ?? 0) + 1)
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

/**
 * Requests left without an answer are sent again before they count. Those that timed out go all at
 * once (a hang costs no CPU) with twice the timeout: nothing again is a hang; an answer means the
 * first try was only slow (a busy machine). Those closed without an answer go one by one: closed
 * again is "unanswered"; answered means the answer was lost in a race (the server closed while the
 * body was still coming), noted but not counted, so that a run's verdict does not depend on luck.
 * Either way the new answer is judged like any other.
 */
export async function confirmUnanswered (server: Server, vendors: Vendor[], state: RunState, opts: RunOptions): Promise<void> {
  const again = async (c: Case, timeoutMs: number, note: (o: Outcome) => boolean): Promise<void> => {
    if (!server.alive) return
    const o = await exchange(server.port, await prepared(c, server, opts.assets), timeoutMs)
    state.replayed++
    if (note(o)) state.flaky.push(`${describeCase(c)} -> ${describeOutcome(o)}`)
    for (const f of judge(c, o, vendors).findings) record(state, f)
  }
  const all = [...state.timedOut, ...state.closed]
  server.onError = (l: LogLine) => { state.logs.push({ key: logKey(l), suspects: all.filter((c) => l.msg.startsWith(`${c.target.vendor.id}:`)).slice(0, 8), at: performance.now() }) }
  await Promise.all(state.timedOut.map(async (c) => { await again(c, 2 * opts.timeoutMs, (o) => o.type !== 'timeout') }))
  for (const c of state.closed) await again(c, opts.timeoutMs, (o) => o.type === 'response')
}

/** Suspects of a message over all its lines, ranked by how often and how near they were. */
function rankedSuspects (state: RunState, key: string): Case[] {
  const score = new Map<Case, number>()
  for (const l of state.logs) if (l.key === key) l.suspects.forEach((c, i) => score.set(c, (score.get(c) ?? 0) + 1 / (i + 1)))
  return [...score.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c)
}

/** Each dropped slow client may have printed one line: the first of its vendor within a second. */
function slowLines (state: RunState, drops: Array<{ vendor: string, at: number }>): Set<number> {
  const taken = new Set<number>()
  for (const d of drops) {
    const i = state.logs.findIndex((l, j) => !taken.has(j) && l.at >= d.at && l.at - d.at < 1000 && l.key.includes(`${d.vendor}:`))
    if (i >= 0) taken.add(i)
  }
  return taken
}

/**
 * Error-level log lines, attributed. A line printed just after a slow client was dropped at its cap
 * is that client's. For the others, each distinct message's suspects are sent again one at a time
 * (round robin over the messages, the likeliest suspect first; not counted as fuzz requests; 2 s
 * timeout; until `until`) until one prints the same message: that request is the message's
 * reproduction. Each line is counted under its own likeliest request.
 */
export async function attributeLogs (server: Server, state: RunState, opts: RunOptions, drops: Array<{ vendor: string, at: number }>, until: number): Promise<void> {
  const slow = slowLines(state, drops)
  const keys = [...new Set(state.logs.filter((_l, i) => !slow.has(i)).map((l) => l.key))]
  const ranked = new Map(keys.map((k) => [k, rankedSuspects(state, k)]))
  const confirmed = new Map<string, Case>()
  let seen: string[] = []
  server.onError = (l) => { seen.push(logKey(l)) }
  for (let round = 0; round < 8; round++) {
    for (const key of keys) {
      const c = ranked.get(key)?.[round]
      if (c === undefined || confirmed.has(key) || !server.alive || performance.now() > until) continue
      seen = []
      await exchange(server.port, await prepared(c, server, opts.assets), Math.min(2000, opts.timeoutMs))
      await new Promise((resolve) => setTimeout(resolve, 200))
      state.replayed++
      if (seen.includes(key)) confirmed.set(key, c)
    }
  }
  state.logs.forEach(({ key, suspects }, i) => {
    const cause = confirmed.get(key)
    // Counted under the line's own likeliest request; the reproduction is the confirmed one.
    const own = cause !== undefined && suspects.includes(cause) ? cause : suspects[0] ?? cause
    const isSlow = slow.has(i)
    record(state, {
      problem: 'error-log',
      kind: isSlow ? 'slow-client' : own?.kind ?? '(unattributed)',
      route: isSlow ? '(slow client)' : own?.target.key ?? '(unattributed)',
      repro: isSlow
        ? 'a slow client (headers, then 1 byte/s) dropped by the fuzzer at its cap'
        : cause !== undefined ? describeCase(cause) : `not reproduced alone; in flight: ${suspects.slice(0, 3).map(describeCase).join(' | ') || '(nothing)'}`,
      got: key
    })
  })
}
