/**
 * The scenario state of each namespace, in SQLite so that it survives a restart with a database file:
 * the active scenario per vendor (cached in memory: read on every request), the scenarios bound to
 * sessions, and the per-session sequence counters ("1st call, 2nd call, ...").
 */
import type { DB } from '../db.js'

export const SCENARIO_TABLES = ['core_scenario_active', 'core_scenario_session', 'core_scenario_counter']

export const scenarioMigration = `
CREATE TABLE core_scenario_active (namespace TEXT NOT NULL, vendor TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (namespace, vendor));
CREATE TABLE core_scenario_session (namespace TEXT NOT NULL, vendor TEXT NOT NULL, session TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (namespace, vendor, session));
CREATE TABLE core_scenario_counter (namespace TEXT NOT NULL, scenario TEXT NOT NULL, rule INTEGER NOT NULL, session TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (namespace, scenario, rule, session));
`

const key = (namespace: string, vendor: string): string => `${namespace}\u0000${vendor}`

export class ScenarioState {
  private readonly active = new Map<string, string>()
  private readonly stmts

  constructor (db: DB) {
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
      this.active.set(key(row.namespace, row.vendor), row.name)
    }
  }

  setActive (namespace: string, vendor: string, name: string): void {
    this.stmts.setActive.run(namespace, vendor, name)
    this.active.set(key(namespace, vendor), name)
  }

  clearActive (namespace: string, vendor?: string): void {
    if (vendor === undefined) {
      this.stmts.clearAllActive.run(namespace)
      this.forget(namespace)
    } else {
      this.stmts.clearActive.run(namespace, vendor)
      this.active.delete(key(namespace, vendor))
    }
  }

  activeFor (namespace: string, vendor: string): string | undefined {
    return this.active.get(key(namespace, vendor))
  }

  activeAll (namespace: string): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, name] of this.active) {
      const [ns, vendor] = k.split('\u0000') as [string, string]
      if (ns === namespace) out[vendor] = name
    }
    return out
  }

  bind (namespace: string, vendor: string, session: string, name: string): void {
    this.stmts.bind.run(namespace, vendor, session, name)
  }

  bound (namespace: string, vendor: string, session: string): string | undefined {
    return this.stmts.bound.get(namespace, vendor, session) as string | undefined
  }

  /** Count one more use of a sequence rule in a session; returns the count (1 for the first call). */
  count (namespace: string, scenario: string, rule: number, session: string): number {
    return this.stmts.count.get(namespace, scenario, rule, session) as number
  }

  /** After the rows are deleted (core's reset): forget the cached active scenarios. */
  forget (namespace: string | undefined): void {
    if (namespace === undefined) this.active.clear()
    else for (const k of [...this.active.keys()]) if (k.startsWith(`${namespace}\u0000`)) this.active.delete(k)
  }
}
