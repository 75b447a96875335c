/**
 * The core services every vendor plugs into, created once per app: database (with the core's and
 * every vendor's migrations), virtual clock, scenario engine, journal, seeded random data, image
 * decoding, outbound calls and API keys. Reset and persistence belong here, not to the vendors: a
 * vendor only declares its tables (StoreSpec) and core deletes a namespace's rows from them.
 */
import { readFileSync } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import { Clock, CLOCK_TABLE, clockMigration } from './clock.js'
import type { Config } from './config.js'
import { migrate, openDatabase, resetTables, type DB, type StoreSpec } from './db.js'
import { ImageDecoder } from './images.js'
import { Journal, journalFaultMigration, JOURNAL_TABLE, journalMigration } from './journal.js'
import { Outbound } from './outbound.js'
import { Random } from './random.js'
import { ScenarioEngine, SCENARIO_TABLES, scenarioMigration } from './scenarios/engine.js'
import type { VendorScenarioSpec } from './scenarios/schema.js'

/** The sandbox's version, from package.json (two levels up from src/core and from dist/core). */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

const CORE_STORE: StoreSpec = {
  migrations: [
    { version: 1, up: clockMigration + ';\n' + scenarioMigration + journalMigration },
    { version: 2, up: journalFaultMigration }
  ],
  tables: [CLOCK_TABLE, ...SCENARIO_TABLES, JOURNAL_TABLE]
}

export interface CoreOptions {
  /** Real time source of the virtual clock (tests pass a fixed one). */
  clockBase?: () => number
  /** Watch scenario files for changes (settings.scenarios.watch; tests switch it off). */
  watchScenarios?: boolean
}

export interface VendorStoreRef { id: string, store: StoreSpec }

/** A namespace that holds state (GET /__admin/namespaces). */
export interface NamespaceSummary {
  name: string
  /** Journal entries kept. */
  journal: number
  offset_ms: number
  /** Active scenario per vendor. */
  active: Record<string, string>
}

export class Core {
  readonly db: DB
  readonly clock: Clock
  readonly scenarios: ScenarioEngine
  readonly journal: Journal
  readonly random: Random
  readonly images: ImageDecoder
  readonly outbound: Outbound
  readonly version = VERSION
  private readonly apiKeys: ReadonlySet<string> | undefined

  constructor (
    readonly config: Config,
    private readonly vendors: readonly VendorStoreRef[],
    scenarioSpecs: ReadonlyMap<string, VendorScenarioSpec>,
    readonly log: FastifyBaseLogger,
    opts: CoreOptions = {}
  ) {
    this.db = openDatabase(config.db)
    try {
      migrate(this.db, 'core', CORE_STORE.migrations)
      for (const v of vendors) migrate(this.db, v.id, v.store.migrations)
      const settings = config.settings.core
      this.clock = new Clock(this.db, opts.clockBase)
      this.journal = new Journal(this.db, settings.journal.max_per_namespace, settings.journal.max_text_chars)
      this.random = new Random(config.seed)
      this.images = new ImageDecoder({ maxPixels: settings.images.max_pixels })
      this.outbound = new Outbound(settings.callbacks, this.journal, log)
      this.apiKeys = config.apiKeys === undefined ? undefined : new Set(config.apiKeys)
      this.scenarios = new ScenarioEngine(this.db, config.scenarios, scenarioSpecs, log)
      this.scenarios.loadInitial()
      if (opts.watchScenarios ?? settings.scenarios.watch) this.scenarios.watch()
    } catch (err) {
      this.db.close()
      throw err
    }
  }

  /**
   * Whether a vendor credential (API key, token) authenticates: with `--api-keys`, only the listed
   * ones; without, any non-empty value (CONTRACT.md, flags).
   */
  acceptsKey (key: unknown): boolean {
    if (typeof key !== 'string' || key.trim() === '') return false
    return this.apiKeys === undefined || this.apiKeys.has(key)
  }

  get apiKeysConfigured (): boolean {
    return this.apiKeys !== undefined
  }

  /** Drop all state of a namespace (or of every namespace): vendor rows, clock, scenarios, journal. */
  reset (namespace: string | undefined): void {
    this.journal.discardPending(namespace)
    const tables = [...CORE_STORE.tables, ...this.vendors.flatMap((v) => v.store.tables)]
    resetTables(this.db, tables, namespace)
    this.clock.reset(namespace)
    this.scenarios.reset(namespace)
    this.journal.notifyCleared(namespace)
  }

  /**
   * Every namespace holding any state: a row in a core or vendor table (journal, clock offsets and
   * scenarios are core tables), sorted by name; `default` always.
   */
  namespaces (): NamespaceSummary[] {
    this.journal.flush()
    const tables = [...CORE_STORE.tables, ...this.vendors.flatMap((v) => v.store.tables)]
    const names = new Set(['default'])
    const union = tables.map((t) => `SELECT namespace FROM ${t}`).join(' UNION ')
    for (const n of this.db.prepare(union).pluck().all() as string[]) names.add(n)
    const counts = new Map(this.db.prepare(`SELECT namespace, COUNT(*) AS n FROM ${JOURNAL_TABLE} GROUP BY namespace`).raw().all() as Array<[string, number]>)
    return [...names].sort().map((name) => ({
      name,
      journal: counts.get(name) ?? 0,
      offset_ms: this.clock.offset(name),
      active: this.scenarios.activeAll(name)
    }))
  }

  async close (): Promise<void> {
    this.scenarios.close()
    await this.outbound.settle()
    this.journal.flush()
    if (this.db.open) this.db.close()
  }
}
