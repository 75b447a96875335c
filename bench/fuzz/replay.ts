/**
 * The second look, after the main run: requests left without an answer are sent again before they
 * count, and error-level log lines are attributed to the request that prints them again alone.
 */
import { describeCase, describeOutcome, judge } from './check.js'
import type { Case } from './cases.js'
import type { Vendor } from './routes.js'
import { logKey, record, revive, type RunOptions, type RunState } from './runner.js'
import type { LogLine, Server } from './server.js'
import { exchange, type Outcome } from './wire.js'

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
    const o = await exchange(server.port, c, timeoutMs)
    state.replayed++
    await new Promise((resolve) => setTimeout(resolve, 100)) // an exit is seen a moment after the close
    if (!server.alive) { await revive(server, state, [c]); return }
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
      await exchange(server.port, c, Math.min(2000, opts.timeoutMs))
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
