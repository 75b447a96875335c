/**
 * The core services every vendor plugs into, created once per app: database (with the core's and
 * every vendor's migrations), virtual clock, scenario engine, journal, seeded random data, image
 * decoding, outbound calls and API keys. Reset and persistence belong here, not to the vendors: a
 * vendor only declares its tables (StoreSpec) and core deletes a namespace's rows from them.
 */
import type { FastifyBaseLogger } from 'fastify'
import { Clock, CLOCK_TABLE, clockMigration } from './clock.js'
import type { Config } from './config.js'
import { BUSY_TIMEOUT_MS, groupCommit, migrate, openDatabase, resetTables, type DB, type StoreSpec } from './db.js'
import { ImageDecoder } from './images.js'
import { Journal, JOURNAL_TABLE, journalMigration, journalMigration2, journalMigration3, journalMigration4 } from './journal/index.js'
import { Outbound } from './outbound.js'
import { Random } from './random.js'
import { ScenarioEngine } from './scenarios/engine.js'
import { ParseCache } from './scenarios/loader.js'
import type { VendorScenarioSpec } from './scenarios/schema.js'
import { SCENARIO_TABLES, scenarioMigration } from './scenarios/state.js'
import { probeMigration, StoreHealth } from './store-health.js'
import { VERSION } from './package.js'

const CORE_STORE: StoreSpec = {
  migrations: [
    { version: 1, up: clockMigration + ';\n' + scenarioMigration + journalMigration },
    { version: 2, up: journalMigration2 },
    { version: 3, up: probeMigration },
    { version: 4, up: journalMigration3 },
    { version: 5, up: journalMigration4 }
  ],
  tables: [CLOCK_TABLE, ...SCENARIO_TABLES, JOURNAL_TABLE]
}

export interface CoreOptions {
  /** Real time source of the virtual clock (tests pass a fixed one). */
  clockBase?: () => number
  /** Watch scenario files for changes (settings.scenarios.watch; tests switch it off). */
  watchScenarios?: boolean
  /**
   * Parsed scenario files, shared by the apps that pass the same cache (a test process builds many
   * apps over the same files); by default each app parses its own.
   */
  parseCache?: ParseCache
}

export interface VendorStoreRef {
  id: string
  store: StoreSpec
  /** What the journal redacts for this vendor (module.ts, `secrets`). */
  secrets?: { headers?: readonly string[], fields?: readonly string[] } | undefined
}

/** Secrets every vendor's journal redacts: credentials in the standard header. */
const CORE_SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie']

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
  readonly storeHealth: StoreHealth
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
      this.storeHealth = new StoreHealth(this.db, log, BUSY_TIMEOUT_MS)
      this.clock = new Clock(this.db, opts.clockBase)
      this.journal = new Journal(this.db, config.db, {
        maxPerNamespace: settings.journal.max_per_namespace,
        maxTotalBytes: settings.journal.max_total_bytes,
        maxText: settings.journal.max_text_chars,
        maxEntryBytes: settings.journal.max_entry_bytes,
        secrets: {
          headers: new Set([...CORE_SECRET_HEADERS, ...vendors.flatMap((v) => v.secrets?.headers ?? [])]),
          fields: new Set(vendors.flatMap((v) => v.secrets?.fields ?? []))
        }
      }, log)
      this.random = new Random(config.seed)
      this.images = new ImageDecoder({ maxPixels: settings.images.max_pixels })
      this.outbound = new Outbound(settings.callbacks, this.journal, log)
      this.apiKeys = config.apiKeys === undefined ? undefined : new Set(config.apiKeys)
      const cache = opts.parseCache ?? new ParseCache(scenarioSpecs)
      if (cache.vendors !== scenarioSpecs) throw new Error('the scenario parse cache was made for other vendor vocabularies')
      this.scenarios = new ScenarioEngine(this.db, config.scenarios, cache, log)
      this.scenarios.library.loadInitial()
      if (opts.watchScenarios ?? settings.scenarios.watch) this.scenarios.library.watch()
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
    // The rows first, in one transaction: when the database refuses, nothing has changed.
    const tables = [...CORE_STORE.tables, ...this.vendors.flatMap((v) => v.store.tables)]
    resetTables(this.db, tables, namespace)
    this.journal.clear(namespace)
    this.clock.reset(namespace)
    this.scenarios.state.forget(namespace)
  }

  /**
   * Every namespace holding any state: a row in a core or vendor table (clock offsets and scenarios
   * are core tables) or journal entries, sorted by name; `default` always.
   */
  namespaces (): NamespaceSummary[] {
    const tables = [...CORE_STORE.tables, ...this.vendors.flatMap((v) => v.store.tables)]
    const names = new Set(['default', ...this.journal.namespaces()])
    const union = tables.map((t) => `SELECT namespace FROM ${t}`).join(' UNION ')
    for (const n of this.db.prepare(union).pluck().all() as string[]) names.add(n)
    return [...names].sort().map((name) => ({
      name,
      journal: this.journal.count(name),
      offset_ms: this.clock.offset(name),
      active: this.scenarios.activeAll(name)
    }))
  }

  async close (): Promise<void> {
    this.scenarios.library.close()
    await this.outbound.settle()
    await this.journal.close()
    if (this.db.open) {
      groupCommit(this.db).flush()
      this.db.close()
    }
  }
}
