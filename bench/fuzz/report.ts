/**
 * The printed report: the summary table, the counts per kind and per route, the slow clients, and
 * one line per distinct finding (problem, kind, route and answer alike are folded into one line
 * with a count; --json FILE keeps every single one).
 */
import { writeFileSync } from 'node:fs'
import type { Finding, Problem } from './check.js'
import type { Counts, RunState } from './runner.js'
import type { SlowResult } from './slow.js'

export interface Summary {
  requests: number
  crashes: number
  undocumented5xx: number
  fastifyShaped: number
  internalErrors: number
  hangs: number
  unanswered: number
  errorLogLines: number
  maxRssMiB: number
  seconds: number
  serverCpuSeconds: number
  fuzzerCpuSeconds: number
  documented5xx: number
  healthyAtEnd: boolean
  journalReadable: boolean
  skippedPairs: number
  restarts: number
  replayed: number
}

const n = (s: RunState, p: Problem): number => s.findings.filter((f) => f.problem === p).length

export function summarize (s: RunState, slow: SlowResult[], server: { maxRss: number, cpuSeconds: number }, seconds: number, healthy: boolean, journal: boolean): Summary {
  return {
    requests: s.requests,
    crashes: n(s, 'crash'),
    undocumented5xx: n(s, 'undocumented-5xx'),
    fastifyShaped: n(s, 'fastify-shape'),
    internalErrors: n(s, 'internal'),
    hangs: n(s, 'hang') + slow.filter((r) => r.end === 'hang').length,
    unanswered: n(s, 'unanswered'),
    errorLogLines: n(s, 'error-log'),
    maxRssMiB: Math.round(server.maxRss / 1024 / 1024),
    seconds: Math.round(seconds),
    serverCpuSeconds: Math.round(server.cpuSeconds),
    fuzzerCpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e6),
    documented5xx: s.documented.length,
    healthyAtEnd: healthy,
    journalReadable: journal,
    skippedPairs: s.skipped,
    restarts: s.restarts,
    replayed: s.replayed
  }
}

const PROBLEMS: Problem[] = ['crash', 'undocumented-5xx', 'fastify-shape', 'internal', 'hang', 'unanswered', 'error-log']
const ABBR = ['crash', '5xx', 'fastify', 'internal', 'hang', 'unansw', 'errlog']

function countsTable (title: string, m: Map<string, Counts>): string[] {
  const width = Math.max(title.length, ...[...m.keys()].map((k) => k.length)) + 2
  const head = `${title.padEnd(width)}${'requests'.padStart(9)}${'time s'.padStart(8)}${ABBR.map((a) => a.padStart(9)).join('')}`
  const rows = [...m.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([k, c]) => `${k.padEnd(width)}${String(c.requests).padStart(9)}${(c.ms / 1000).toFixed(1).padStart(8)}${PROBLEMS.map((p) => String(c.findings[p] ?? '.').padStart(9)).join('')}`)
  return [head, ...rows]
}

/** Findings folded by problem, kind, route and answer (durations left out of the answer). */
function fold (findings: Finding[]): Array<{ f: Finding, times: number }> {
  const m = new Map<string, { f: Finding, times: number }>()
  for (const f of findings) {
    const got = f.got.replace(/\(\d+ ms\)|after \d+ ms|in \d+ ms|\d+ B received/g, '')
    const key = f.problem === 'error-log' ? `${f.problem}|${got}|${f.repro}` : `${f.problem}|${f.kind}|${f.route}|${got}`
    const e = m.get(key)
    if (e === undefined) m.set(key, { f, times: 1 })
    else e.times++
  }
  return [...m.values()].sort((a, b) => PROBLEMS.indexOf(a.f.problem) - PROBLEMS.indexOf(b.f.problem) || a.f.route.localeCompare(b.f.route))
}

export function printReport (sum: Summary, s: RunState, slow: SlowResult[], slowCap: number): void {
  const out: string[] = ['', 'summary']
  for (const [k, v] of Object.entries(sum)) out.push(`  ${k.padEnd(18)}${String(v)}`)
  out.push('', ...countsTable('kind', s.byKind), '', ...countsTable('route', s.byRoute))
  if (slow.length > 0) {
    out.push('', `slow clients (headers, then 1 byte/s of a ${'100000'} B body; cap ${slowCap} s)`)
    for (const r of slow) out.push(`  ${r.route.padEnd(48)}${r.end.padEnd(10)}${r.status === undefined ? '' : `${r.status} `}after ${r.seconds} s, ${r.bytesSent} B sent`)
  }
  if (s.documented.length > 0) {
    out.push('', `documented 5xx (accepted: listed for the operation, in its documented shape): ${s.documented.length}`)
    for (const d of s.documented.slice(0, 10)) out.push(`  ${d}`)
  }
  if (s.flaky.length > 0) {
    out.push('', `unanswered once (timed out, or closed while the body was being sent), answered when sent again; not counted: ${s.flaky.length}`)
    for (const d of s.flaky.slice(0, 20)) out.push(`  ${d}`)
  }
  const folded = fold(s.findings)
  out.push('', `findings: ${s.findings.length} (${folded.length} distinct)`)
  for (const { f, times } of folded) {
    const x = times > 1 ? `x${times} ` : ''
    // A log line's cause is the request that printed it again when sent alone (see attributeLogs).
    if (f.problem === 'error-log') out.push(`  [error-log] ${x}${f.got}\n      <- ${f.repro}`)
    else out.push(`  [${f.problem}] ${x}${f.route} (${f.kind}): ${f.repro}\n      -> ${f.got}`)
  }
  for (const r of slow.filter((x) => x.end === 'hang')) out.push(`  [hang] ${r.route} (slow client): headers, then 1 byte/s of an announced 100000 B body -> still open after ${r.seconds} s`)
  console.log(out.join('\n'))
}

export function writeJson (file: string, sum: Summary, s: RunState, slow: SlowResult[], options: unknown): void {
  const obj = (m: Map<string, Counts>): Record<string, Counts> => Object.fromEntries(m)
  writeFileSync(file, JSON.stringify({ options, summary: sum, statuses: Object.fromEntries(s.statuses), documented5xx: s.documented, unansweredOnce: s.flaky, byKind: obj(s.byKind), byRoute: obj(s.byRoute), slow, findings: s.findings }, null, 2) + '\n')
}
