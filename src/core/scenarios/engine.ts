/**
 * The scenario engine: which scenario applies to a request, which rule of it matches, which step of
 * a sequence comes next, and the faults to apply.
 *
 * Precedence (CONTRACT.md, "Control headers"): the request's `X-Sandbox-Scenario` header, then the
 * scenario bound to the session (bound by a session-creating call that carried the header), then the
 * namespace's active scenario for the vendor, then the default (no scenario).
 *
 * State lives in SQLite, keyed by namespace: active scenarios, session bindings and the per-session
 * sequence counters (so that "1st call, 2nd call" survives a restart with a database file).
 */
import { watch, type FSWatcher } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import type { DB } from '../db.js'
import { RawResponse, SandboxError } from '../errors.js'
import { loadScenarioDir, ScenarioFileError } from './loader.js'
import type { Fault, Match, Matcher, Rule, Scenario, Step, VendorScenarioSpec } from './schema.js'

export const SCENARIO_TABLES = ['core_scenario_active', 'core_scenario_session', 'core_scenario_counter']

export const scenarioMigration = `
CREATE TABLE core_scenario_active (namespace TEXT NOT NULL, vendor TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (namespace, vendor));
CREATE TABLE core_scenario_session (namespace TEXT NOT NULL, vendor TEXT NOT NULL, session TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (namespace, vendor, session));
CREATE TABLE core_scenario_counter (namespace TEXT NOT NULL, scenario TEXT NOT NULL, rule INTEGER NOT NULL, session TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (namespace, scenario, rule, session));
`

/** The request as rules see it. Header names are lower case. */
export interface RequestView {
  headers: Record<string, unknown>
  query?: Record<string, unknown>
  params?: Record<string, unknown>
  body?: unknown
}

export interface Decision {
  /** The scenario that applied, if any (recorded in the journal). */
  scenario: string | undefined
  /** The vendor-vocabulary outcome (already validated by the vendor's schema), if a rule gave one. */
  outcome: Record<string, unknown> | undefined
  fault: Fault | undefined
}

export interface ScenarioSummary { name: string, description: string, vendor: string, file: string }

function lookup (obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined
  const direct = (obj as Record<string, unknown>)[path]
  if (direct !== undefined || !path.includes('.')) return direct
  let cur: unknown = obj
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

function valueMatches (value: unknown, m: Matcher): boolean {
  if (Array.isArray(value)) value = value[0]
  if (typeof m === 'object') {
    if ('present' in m) return (value !== undefined && value !== null) === m.present
    return value !== undefined && value !== null && new RegExp(m.regex).test(typeof value === 'string' ? value : JSON.stringify(value))
  }
  return value !== undefined && value !== null && String(value) === String(m)
}

function ruleMatches (match: Match | undefined, view: RequestView): boolean {
  if (match === undefined) return true
  for (const [k, m] of Object.entries(match.headers ?? {})) if (!valueMatches(view.headers[k.toLowerCase()], m)) return false
  for (const [k, m] of Object.entries(match.query ?? {})) if (!valueMatches(lookup(view.query, k), m)) return false
  for (const [k, m] of Object.entries(match.params ?? {})) if (!valueMatches(lookup(view.params, k), m)) return false
  for (const [k, m] of Object.entries(match.body ?? {})) if (!valueMatches(lookup(view.body, k), m)) return false
  return true
}

export class ScenarioEngine {
  private scenarios = new Map<string, Scenario>()
  private byFile = new Map<string, Scenario[]>()
  private readonly active = new Map<string, string>()
  private watcher: FSWatcher | undefined
  private reloadTimer: NodeJS.Timeout | undefined
  private readonly stmts

  constructor (
    private readonly db: DB,
    private readonly dir: string,
    private readonly vendors: ReadonlyMap<string, VendorScenarioSpec>,
    private readonly log: FastifyBaseLogger
  ) {
    this.stmts = {
      setActive: db.prepare(`INSERT INTO core_scenario_active (namespace, vendor, name) VALUES (?, ?, ?)
        ON CONFLICT(namespace, vendor) DO UPDATE SET name = excluded.name`),
      clearActive: db.prepare('DELETE FROM core_scenario_active WHERE namespace = ? AND vendor = ?'),
      clearAllActive: db.prepare('DELETE FROM core_scenario_active WHERE namespace = ?'),
      bind: db.prepare(`INSERT INTO core_scenario_session (namespace, vendor, session, name) VALUES (?, ?, ?, ?)
        ON CONFLICT(namespace, vendor, session) DO UPDATE SET name = excluded.name`),
      bound: db.prepare('SELECT name FROM core_scenario_session WHERE namespace = ? AND vendor = ? AND session = ?').pluck(),
      count: db.prepare(`INSERT INTO core_scenario_counter (namespace, scenario, rule, session, count) VALUES (?, ?, ?, ?, 1)
        ON CONFLICT(namespace, scenario, rule, session) DO UPDATE SET count = count + 1 RETURNING count`).pluck()
    }
    for (const row of db.prepare('SELECT namespace, vendor, name FROM core_scenario_active').all() as Array<{ namespace: string, vendor: string, name: string }>) {
      this.active.set(`${row.namespace}\u0000${row.vendor}`, row.name)
    }
  }

  /** Load every file; at start-up any error is fatal (thrown), so a broken scenario is never silently missing. */
  loadInitial (): void {
    const { byFile, errors } = loadScenarioDir(this.dir, this.vendors)
    const first = errors[0]
    if (first !== undefined) throw first
    this.install(byFile)
  }

  /**
   * Reload after an edit: a file that fails keeps its last good version, and the reason is logged.
   * Returns the errors (also for tests).
   */
  reload (): ScenarioFileError[] {
    const { byFile, errors } = loadScenarioDir(this.dir, this.vendors)
    for (const err of errors) {
      const previous = this.byFile.get(err.file)
      if (previous !== undefined) byFile.set(err.file, previous)
      this.log.warn({ file: err.file }, `scenario file not reloaded, keeping its last good version: ${err.message}`)
    }
    const dup = this.install(byFile, false)
    if (dup !== undefined) errors.push(dup)
    return errors
  }

  private install (byFile: Map<string, Scenario[]>, strict = true): ScenarioFileError | undefined {
    const next = new Map<string, Scenario>()
    const kept = new Map<string, Scenario[]>()
    let problem: ScenarioFileError | undefined
    for (const [file, loaded] of byFile) {
      let list = loaded
      const clash = list.find((s) => next.has(s.name))
      if (clash !== undefined) {
        problem = new ScenarioFileError(file, `name: scenario "${clash.name}" is already defined in ${next.get(clash.name)?.file ?? '?'}`)
        if (strict) throw problem
        const previous = this.byFile.get(file)
        this.log.warn({ file }, `scenario file not reloaded, keeping its last good version: ${problem.message}`)
        if (previous === undefined) continue
        list = previous.filter((s) => !next.has(s.name))
      }
      for (const s of list) next.set(s.name, s)
      kept.set(file, list)
    }
    this.scenarios = next
    this.byFile = kept
    return problem
  }

  /** Watch the directory and reload on change (debounced). */
  watch (): void {
    if (this.watcher !== undefined) return
    try {
      this.watcher = watch(this.dir, { recursive: true }, () => {
        clearTimeout(this.reloadTimer)
        this.reloadTimer = setTimeout(() => {
          const errors = this.reload()
          if (errors.length === 0) this.log.info(`scenarios reloaded from ${this.dir} (${this.scenarios.size})`)
        }, 100)
        this.reloadTimer.unref()
      })
      this.watcher.unref()
    } catch (err) {
      this.log.warn(`scenario directory ${this.dir} not watched: ${(err as Error).message}`)
    }
  }

  close (): void {
    clearTimeout(this.reloadTimer)
    this.watcher?.close()
    this.watcher = undefined
  }

  get (name: string): Scenario | undefined {
    return this.scenarios.get(name)
  }

  list (vendors?: ReadonlySet<string>): ScenarioSummary[] {
    return [...this.scenarios.values()]
      .filter((s) => vendors === undefined || vendors.has(s.vendor))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ name: s.name, description: s.description, vendor: s.vendor, file: s.file }))
  }

  /** The scenario named by a request header, checked: unknown or another vendor's is the client's mistake (400). */
  requireForVendor (name: string, vendor: string): Scenario {
    const s = this.scenarios.get(name)
    if (s === undefined) throw new SandboxError('unknown-scenario', `X-Sandbox-Scenario names "${name}", which is not a loaded scenario (GET /__admin/scenarios lists them)`, 400)
    if (s.vendor !== vendor) throw new SandboxError('scenario-vendor-mismatch', `scenario "${name}" is for vendor ${s.vendor}; this route belongs to ${vendor}`, 400)
    return s
  }

  activate (namespace: string, name: string): Scenario {
    const s = this.scenarios.get(name)
    if (s === undefined) throw new SandboxError('unknown-scenario', `no scenario named "${name}" is loaded`, 404)
    this.stmts.setActive.run(namespace, s.vendor, s.name)
    this.active.set(`${namespace}\u0000${s.vendor}`, s.name)
    return s
  }

  deactivate (namespace: string, vendor?: string): void {
    if (vendor === undefined) {
      this.stmts.clearAllActive.run(namespace)
      for (const key of [...this.active.keys()]) if (key.startsWith(`${namespace}\u0000`)) this.active.delete(key)
    } else {
      this.stmts.clearActive.run(namespace, vendor)
      this.active.delete(`${namespace}\u0000${vendor}`)
    }
  }

  activeFor (namespace: string, vendor: string): string | undefined {
    return this.active.get(`${namespace}\u0000${vendor}`)
  }

  activeAll (namespace: string): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, name] of this.active) {
      const [ns, vendor] = key.split('\u0000') as [string, string]
      if (ns === namespace) out[vendor] = name
    }
    return out
  }

  bindSession (namespace: string, vendor: string, session: string, name: string): void {
    this.stmts.bind.run(namespace, vendor, session, name)
  }

  /** Which scenario applies: header > session binding > namespace's active one. */
  select (namespace: string, vendor: string, headerName: string | undefined, session: string | undefined): Scenario | undefined {
    if (headerName !== undefined) return this.requireForVendor(headerName, vendor)
    if (session !== undefined && session !== '') {
      const bound = this.stmts.bound.get(namespace, vendor, session) as string | undefined
      if (bound !== undefined) {
        const s = this.scenarios.get(bound)
        if (s !== undefined) return s
      }
    }
    const active = this.activeFor(namespace, vendor)
    return active === undefined ? undefined : this.scenarios.get(active)
  }

  private findRule (s: Scenario, operation: string, view: RequestView): { rule: Rule, index: number } | undefined {
    const index = s.rules.findIndex((r) => r.operation === operation && ruleMatches(r.match, view))
    return index < 0 ? undefined : { rule: s.rules[index] as Rule, index }
  }

  /**
   * Decide the outcome of a request whose real checks have passed. Advances the session's sequence
   * counter. A raw response is thrown as RawResponse (with the decision's fault attached by the caller).
   */
  decide (namespace: string, s: Scenario | undefined, operation: string, view: RequestView, session: string | undefined): Decision & { response?: RawResponse } {
    if (s === undefined) return { scenario: undefined, outcome: undefined, fault: undefined }
    const found = this.findRule(s, operation, view)
    if (found === undefined) return { scenario: s.name, outcome: undefined, fault: undefined }
    const { rule, index } = found
    let step: Step = rule
    if (rule.sequence !== undefined) {
      const n = this.stmts.count.get(namespace, s.name, index, session ?? '') as number
      const seq = rule.sequence
      if (n <= seq.length) step = seq[n - 1] as Step
      else if (rule.after === 'last') step = seq[seq.length - 1] as Step
      else if (rule.after === 'repeat') step = seq[(n - 1) % seq.length] as Step
      else step = {}
    }
    const fault = step.fault ?? rule.fault
    const decision: Decision & { response?: RawResponse } = { scenario: s.name, outcome: step.outcome, fault }
    if (step.response !== undefined) {
      const r = step.response
      decision.response = new RawResponse(r.status, r.headers ?? {}, r.body)
    }
    return decision
  }

  /** The fault of the rule that matches, without advancing anything: for requests that never reached a decision. */
  faultOnly (s: Scenario | undefined, operation: string, view: RequestView): Fault | undefined {
    if (s === undefined) return undefined
    return this.findRule(s, operation, view)?.rule.fault
  }

  reset (namespace: string | undefined): void {
    if (namespace === undefined) this.active.clear()
    else for (const key of [...this.active.keys()]) if (key.startsWith(`${namespace}\u0000`)) this.active.delete(key)
  }
}
