/**
 * Services without the app: a hand-made Call (plain inputs, a fixed clock, the vendor's store on an
 * in-memory database, a chosen scenario outcome) and the wire answer core would give for an error.
 */
import { migrate, openDatabase } from '../src/core/db.js'
import type { ErrorDetail, RenderedError } from '../src/core/errors.js'
import { ImageDecoder } from '../src/core/images.js'
import type { OutboundRequest } from '../src/core/outbound.js'
import { loadGenerators, Random } from '../src/core/random.js'
import type { Call, DecideOptions, DecideOrThrowOptions, Outcome } from '../src/core/vendor/call.js'
import { vendorAnswer } from '../src/core/vendor/failures.js'
import type { VendorModule } from '../src/core/vendor/module.js'
import { T0 } from './helper.js'

// Services generate data synchronously: the generators are loaded once for the test file.
await loadGenerators()

export interface TestCallOptions<St> {
  operation: string
  /** The vendor's settings section (defaults filled in by the vendor's schema). */
  settings?: unknown
  /** A store to share between calls; by default a fresh one on an in-memory database. */
  store?: St
  namespace?: string
  /** Virtual time of the call (default T0); a function to move it between calls. */
  nowMs?: number | (() => number)
  seed?: number
  /** `--api-keys`; by default any non-empty key authenticates. */
  apiKeys?: string[]
  /** The scenario's outcome for each decision (a function: per call of decide). */
  outcome?: Record<string, unknown> | ((opts: DecideOptions) => Record<string, unknown> | undefined)
}

/** What a test can inspect after the service ran. */
export interface TestCall<S, St> extends Call<S, St> {
  readonly decisions: DecideOptions[]
  readonly bound: string[]
  readonly recorded: unknown[]
  readonly callbacks: Array<Omit<OutboundRequest, 'namespace' | 'vendor' | 'time'>>
}

/** A fresh store of the vendor on an in-memory database (migrated). */
export function memoryStore<S, St> (mod: VendorModule<S, St>, settings: S = mod.settings.parse({})): St {
  if (mod.store === undefined) return undefined as St
  const db = openDatabase(':memory:')
  migrate(db, mod.id, mod.store.spec.migrations)
  return mod.store.open(db, settings)
}

export function testCall<S, St> (mod: VendorModule<S, St>, opts: TestCallOptions<St>): TestCall<S, St> {
  const settings = mod.settings.parse(opts.settings ?? {})
  const store = opts.store ?? memoryStore(mod, settings)
  const keys = opts.apiKeys === undefined ? undefined : new Set(opts.apiKeys)
  const nowMs = (): number => typeof opts.nowMs === 'function' ? opts.nowMs() : opts.nowMs ?? T0
  const decisions: DecideOptions[] = []
  const decide = <O extends Outcome>(d: DecideOptions = {}): O | undefined => {
    decisions.push(d)
    const o = typeof opts.outcome === 'function' ? opts.outcome(d) : opts.outcome
    return o === undefined ? undefined : mod.outcome.parse(o) as O
  }
  const call: TestCall<S, St> = {
    vendor: mod.id,
    operation: opts.operation,
    namespace: opts.namespace ?? 'default',
    settings,
    store,
    random: new Random(opts.seed ?? 0),
    images: new ImageDecoder({}),
    now: () => new Date(nowMs()),
    nowMs,
    acceptsKey: (key) => typeof key === 'string' && key.trim() !== '' && (keys === undefined || keys.has(key)),
    keysConfigured: keys !== undefined,
    decide,
    decideOrThrow: <O extends Outcome>(d: DecideOrThrowOptions = {}): O => {
      const o = decide<O>(d)
      if (o?.error !== undefined) throw mod.catalogue.error(o.error, typeof d.detail === 'function' ? d.detail(o.error) : d.detail as ErrorDetail | undefined)
      return o ?? ({} as O)
    },
    scenario: opts.outcome === undefined ? undefined : 'test/scenario',
    bindSession: (session) => { call.bound.push(session) },
    recordBody: (body) => { call.recorded.push(body) },
    callback: (request) => { call.callbacks.push(request) },
    decisions,
    bound: [],
    recorded: [],
    callbacks: []
  }
  return call
}

/** The answer core gives on the wire for an error a service threw (its catalogue, or its failure table). */
export function answerOf (mod: VendorModule<any, any>, err: unknown, operation?: string): RenderedError {
  const silent = { error: () => {}, debug: () => {} } as unknown as Parameters<typeof vendorAnswer>[3]
  return vendorAnswer({ vendor: mod.id, catalogue: mod.catalogue, failures: mod.failures, onStoreFault: () => {} }, err, operation, silent)
}

/** Run a service call and return the vendor's wire answer for what it threw (or fail when it did not). */
export async function refusal (mod: VendorModule<any, any>, operation: string, run: () => unknown): Promise<RenderedError> {
  try {
    await run()
  } catch (err) {
    return answerOf(mod, err, operation)
  }
  throw new Error(`${operation}: expected a refusal, the service answered`)
}
