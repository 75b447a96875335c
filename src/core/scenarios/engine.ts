/**
 * The scenario engine: which scenario applies to a request, and what it decides. It joins the loaded
 * scenarios (library.ts), their state per namespace (state.ts) and rule matching (match.ts).
 *
 * Precedence (CONTRACT.md, "Control headers"): the request's `X-Sandbox-Scenario` header, then the
 * scenario bound to the session (bound by a session-creating call that carried the header), then the
 * namespace's active scenario for the vendor, then the default (no scenario).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { DB } from '../db.js'
import { RawResponse, SandboxError } from '../errors.js'
import { ScenarioLibrary, type ScenarioSummary } from './library.js'
import type { ParseCache, ScenarioFileError } from './loader.js'
import { findRule, stepAt, type RequestView } from './match.js'
import type { Fault, Scenario } from './schema.js'
import { ScenarioState } from './state.js'

export type { RequestView, ScenarioSummary }

export interface Decision {
  /** The scenario that applied, if any (recorded in the journal). */
  scenario: string | undefined
  /** The vendor-vocabulary outcome (already validated by the vendor's schema), if a rule gave one. */
  outcome: Record<string, unknown> | undefined
  fault: Fault | undefined
  /** A raw response the scenario gives instead of an outcome (thrown by the caller once recorded). */
  response?: RawResponse
}

export class ScenarioEngine {
  readonly library: ScenarioLibrary
  readonly state: ScenarioState

  constructor (db: DB, dir: string, cache: ParseCache, log: FastifyBaseLogger) {
    this.library = new ScenarioLibrary(dir, cache, log)
    this.state = new ScenarioState(db)
  }

  reload (): ScenarioFileError[] { return this.library.reload() }
  list (vendors?: ReadonlySet<string>): ScenarioSummary[] { return this.library.list(vendors) }
  get (name: string): Scenario | undefined { return this.library.get(name) }

  /** The scenario named by a request header, checked: unknown or another vendor's is the client's mistake (400). */
  requireForVendor (name: string, vendor: string): Scenario {
    const s = this.library.get(name)
    if (s === undefined) throw new SandboxError('unknown-scenario', `X-Sandbox-Scenario names "${name}", which is not a loaded scenario (GET /__admin/scenarios lists them)`, 400)
    if (s.vendor !== vendor) throw new SandboxError('scenario-vendor-mismatch', `scenario "${name}" is for vendor ${s.vendor}; this route belongs to ${vendor}`, 400)
    return s
  }

  activate (namespace: string, name: string): Scenario {
    const s = this.library.get(name)
    if (s === undefined) throw new SandboxError('unknown-scenario', `no scenario named "${name}" is loaded`, 404)
    this.state.setActive(namespace, s.vendor, s.name)
    return s
  }

  deactivate (namespace: string, vendor?: string): void { this.state.clearActive(namespace, vendor) }
  activeAll (namespace: string): Record<string, string> { return this.state.activeAll(namespace) }
  bindSession (namespace: string, vendor: string, session: string, name: string): void { this.state.bind(namespace, vendor, session, name) }

  /** Which scenario applies: header > session binding > namespace's active one. Never throws. */
  select (namespace: string, vendor: string, header: string | undefined, session: string | undefined): Scenario | undefined {
    const byHeader = header === undefined ? undefined : this.library.get(header)
    if (byHeader?.vendor === vendor) return byHeader
    if (session !== undefined && session !== '') {
      const bound = this.state.bound(namespace, vendor, session)
      const s = bound === undefined ? undefined : this.library.get(bound)
      if (s !== undefined) return s
    }
    const active = this.state.activeFor(namespace, vendor)
    return active === undefined ? undefined : this.library.get(active)
  }

  /**
   * Decide the outcome of a request whose real checks have passed; advances the session's sequence
   * counter.
   */
  decide (namespace: string, s: Scenario | undefined, operation: string, view: RequestView, session: string | undefined): Decision {
    if (s === undefined) return { scenario: undefined, outcome: undefined, fault: undefined }
    const found = findRule(s, operation, view)
    if (found === undefined) return { scenario: s.name, outcome: undefined, fault: undefined }
    const { rule, index } = found
    const step = rule.sequence === undefined ? rule : stepAt(rule, this.state.count(namespace, s.name, index, session ?? ''))
    const fault = step.fault ?? rule.fault
    const r = step.response
    return { scenario: s.name, outcome: step.outcome, fault, ...(r === undefined ? {} : { response: new RawResponse(r.status, r.headers ?? {}, r.body) }) }
  }

  /** The fault of the rule that matches, without advancing anything: for requests that never reached a decision. */
  faultOnly (s: Scenario | undefined, operation: string, view: RequestView): Fault | undefined {
    if (s === undefined) return undefined
    return findRule(s, operation, view)?.rule.fault
  }
}
