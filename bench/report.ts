/**
 * The bench's figures as markdown tables (ready for the README) and as JSON (--json FILE).
 */
import { cpus, loadavg } from 'node:os'
import type { HealthPhase } from './health.js'
import type { SelfTime } from './profile.js'
import type { Startup } from './startup.js'
import type { Load, TargetId } from './targets.js'
import type { StreamTally, Tally } from './uploader.js'

export interface Machine { date: string, cpu: string, cores: number, node: string, loadavg: number[] }

export interface TargetRow {
  id: TargetId
  label: string
  answer: { status: number, bytes: number, contentType: string }
  sandbox: Load
  floor?: Load
  ratio?: number
  /** CPU time of each process (every thread) per 1,000 requests, in ms. */
  cpu?: { sandbox: number, floor: number }
}

export interface Memory { rssMB: number, peakMB: number }

export interface Report {
  machine: Machine
  options: Record<string, unknown>
  targets: TargetRow[]
  startup?: { sandbox: Startup, floor: Startup }
  rss?: { after: string, sandbox: Memory, floor?: Memory, afterHealth?: Memory }
  health?: { jpegBytes: number, risetBytes: number, phases: HealthPhase[] }
  profile?: { file: string, top: SelfTime[] }
  notes: string[]
}

export function machine (): Machine {
  return { date: new Date().toISOString(), cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadavg: loadavg() }
}

const n0 = (x: number | undefined): string => x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US')
const n1 = (x: number | undefined): string => x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1)
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`
const table = (head: string[], rows: string[][]): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')

function targetTable (rows: TargetRow[]): string {
  return table(
    ['target', 'sandbox req/s', 'p50 ms', 'p99 ms', 'non-2xx+err', 'floor req/s', 'p50 ms', 'p99 ms', 'non-2xx+err', 'ratio'],
    rows.map((r) => [
      `${r.id} ${r.label}`, n0(r.sandbox.rps), String(r.sandbox.p50), String(r.sandbox.p99), String(r.sandbox.non2xx + r.sandbox.errors),
      n0(r.floor?.rps), String(r.floor?.p50 ?? '–'), String(r.floor?.p99 ?? '–'), String(r.floor === undefined ? '–' : r.floor.non2xx + r.floor.errors),
      r.ratio === undefined ? '–' : r.ratio.toFixed(2)
    ])
  )
}

function cpuTable (rows: TargetRow[]): string {
  const withCpu = rows.filter((r) => r.cpu !== undefined)
  if (withCpu.length === 0) return ''
  return table(
    ['target', 'sandbox CPU ms per 1,000 requests', 'floor CPU ms per 1,000 requests', 'floor / sandbox'],
    withCpu.map((r) => {
      const cpu = r.cpu as NonNullable<TargetRow['cpu']>
      return [r.id, n0(cpu.sandbox), n0(cpu.floor), (cpu.floor / cpu.sandbox).toFixed(2)]
    })
  )
}

function processTable (r: Report): string {
  const rows: string[][] = []
  if (r.startup !== undefined) {
    const runs = (s: Startup): string => `${n0(s.medianMs)} (${s.runsMs.map(n0).join(', ')})`
    rows.push(['start to first 200, ms: median (runs)', runs(r.startup.sandbox), runs(r.startup.floor)])
  }
  if (r.rss !== undefined) {
    const mem = (m: Memory | undefined): string => m === undefined ? '–' : `${n0(m.rssMB)} (peak ${n0(m.peakMB)})`
    rows.push([`RSS after ${r.rss.after}, MB`, mem(r.rss.sandbox), mem(r.rss.floor)])
    if (r.rss.afterHealth !== undefined) rows.push(['RSS after the health upload load, MB', mem(r.rss.afterHealth), '–'])
  }
  return rows.length === 0 ? '' : table(['', 'sandbox', 'floor'], rows)
}

function tallyText (tally: Tally): string {
  const one = (t: StreamTally): string => [
    ...Object.entries(t.answers).map(([status, k]) => `${k}×${status}`),
    ...Object.entries(t.errors).map(([code, k]) => `${k}×${code}`)
  ].join(' ') || 'none finished'
  return Object.entries(tally).map(([name, t]) => `${name}: ${one(t)}`).join('; ')
}

function healthTable (phases: HealthPhase[]): string {
  return table(
    ['load', 'probes', 'p50 ms', 'p99 ms', 'max ms', 'non-200', 'unanswered', 'uploads answered (count×status or error)'],
    phases.map((p) => [
      p.phase, String(p.probes), n1(p.p50), n1(p.p99), (p.unanswered > 0 ? '≥ ' : '') + n1(p.max), String(p.non200), String(p.unanswered), tallyText(p.uploads) || '–'
    ])
  )
}

function profileTable (top: SelfTime[]): string {
  return table(['self ms', 'share', 'function', 'where'], top.map((t) => [n0(t.ms), `${(t.share * 100).toFixed(1)}%`, t.fn, t.where]))
}

export function render (r: Report): string {
  const m = r.machine
  const out = [
    `${m.date}; ${m.cpu}, ${m.cores} cores; Node ${m.node}; load average at start ${m.loadavg.map((x) => x.toFixed(2)).join(' ')}`,
    `options: ${JSON.stringify(r.options)}`
  ]
  if (r.targets.length > 0) out.push('', targetTable(r.targets))
  const cpu = cpuTable(r.targets)
  if (cpu !== '') out.push('', cpu)
  const proc = processTable(r)
  if (proc !== '') out.push('', proc)
  if (r.health !== undefined) {
    out.push('', `health under upload load (JPEG ${n0(r.health.jpegBytes)} bytes, Riset body ${n0(r.health.risetBytes)} bytes):`, '', healthTable(r.health.phases))
  }
  if (r.profile !== undefined) {
    out.push('', `CPU profile ${r.profile.file}; top ${r.profile.top.length} functions by self time during the measured load (share of non-idle time):`, '', profileTable(r.profile.top))
  }
  if (r.notes.length > 0) out.push('', 'notes:', ...r.notes.map((n) => `- ${n}`))
  return out.join('\n')
}
