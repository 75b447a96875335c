/**
 * The call: everything a vendor service may use while it answers one request, and the one place
 * where the request's sandbox state lives. Services take a `Call` and plain typed inputs, never a
 * Fastify request, so they can be tested with a hand-made call (test/services.ts).
 *
 * One writer per field of the request's state: the scope's onRequest hook creates the call
 * (namespace, control headers), `decide` writes the decision, `recordBody` what the journal records as
 * the request body, the precheck hook its result, core's error handler `raw`, the fault hook the
 * payload, the journaling hook `journaled`.
 */
import type { FastifyRequest } from 'fastify'
import type { Catalogue, ErrorDetail } from '../errors.js'
import type { ImageDecoder } from '../images.js'
import type { OutboundRequest } from '../outbound.js'
import type { Random } from '../random.js'
import type { Decision, RequestView } from '../scenarios/engine.js'
import type { Fault } from '../scenarios/schema.js'

export interface DecideOptions {
  /** The session the request belongs to: scenarios bound to it apply, sequences count per session. */
  session?: string | undefined
  /** The request body as rules should match it (parsed multipart fields, for instance). */
  body?: unknown
}

export interface DecideOrThrowOptions extends DecideOptions {
  /** Detail for the error a scenario chooses (e.g. a flag its wire body carries). */
  detail?: ErrorDetail | ((code: string) => ErrorDetail)
}

/** An outcome in a vendor's vocabulary: any object; `error` names a catalogue code. */
export interface Outcome { error?: string | undefined }

/** What a service may use. No Fastify type: a test builds one by hand. */
export interface Call<S = unknown, St = unknown> {
  readonly vendor: string
  /** The route's operationId, `<vendor>.<name>`. */
  readonly operation: string
  readonly namespace: string
  readonly settings: S
  readonly store: St
  /** Seeded: the same parts give the same values (CONTRACT.md, "Outcomes"). */
  readonly random: Random
  /** Decodes each image buffer once, with the sandbox's pixel limit. */
  readonly images: ImageDecoder
  /** Now on the namespace's virtual clock. */
  now: () => Date
  nowMs: () => number
  /** Whether a vendor credential authenticates (`--api-keys`, else any non-empty value). */
  acceptsKey: (key: unknown) => boolean
  /** Whether `--api-keys` is set. */
  readonly keysConfigured: boolean
  /**
   * The scenario's outcome, once the vendor's real checks passed (vendor-notes, rulings: real checks
   * first, then the scenario). A scenario's raw response is thrown from here.
   */
  decide: <O extends Outcome>(opts?: DecideOptions) => O | undefined
  /** `decide`, and throw the catalogue error a scenario chose; the outcome ({} when none). */
  decideOrThrow: <O extends Outcome>(opts?: DecideOrThrowOptions) => O
  /** The scenario that applied to this call, if any (for messages). */
  readonly scenario: string | undefined
  /** Bind the request's X-Sandbox-Scenario (if any) to a session the call just created. */
  bindSession: (session: string) => void
  /**
   * What the journal records as the request body, when the parsed body does not say it (multipart,
   * binary, a body the vendor decodes itself); `null` records that there was none.
   */
  recordBody: (body: unknown) => void
  /** A call the sandbox makes after the response (e.g. Oz's resolution_endpoint): allow-listed, journaled. */
  callback: (request: Omit<OutboundRequest, 'namespace' | 'vendor' | 'time'>) => void
}

/** What the request's call needs from its vendor's runtime and core. */
export interface CallDeps<S, St> {
  vendor: string
  settings: S
  store: St
  catalogue: Catalogue<any>
  random: Random
  images: ImageDecoder
  keysConfigured: boolean
  acceptsKey: (key: unknown) => boolean
  nowMs: (namespace: string) => number
  /** The scenario engine's decision for this request. */
  decide: (call: RequestCall<S, St>, view: RequestView, session: string | undefined) => Decision
  /** For a request answered without a decision (a real check refused it): the matching rule's fault. */
  faultOnly: (call: RequestCall<S, St>, view: RequestView) => Pick<Decision, 'scenario' | 'fault'>
  bindSession: (namespace: string, session: string, scenario: string) => void
  callback: (request: OutboundRequest) => void
}

/** The per-request call core creates in the vendor scope's onRequest hook (`request.call`). */
export class RequestCall<S = unknown, St = unknown> implements Call<S, St> {
  readonly started = performance.now()
  /** Written by decide, or by settle for a request answered without a decision. */
  private decision: { scenario: string | undefined, fault: Fault | undefined } | undefined
  /** Written by recordBody. */
  journalBody: unknown
  /** Written by the precheck hook (precheck.ts). */
  before: { key: object, value: unknown } | undefined
  /** Written by core's error handler when the answer is a scenario's raw response. */
  raw = false
  /** Written by the fault hook: the payload as sent. */
  payload: unknown
  /** Written by the journaling hook. */
  journaled = false
  private readonly callbacks: OutboundRequest[] = []

  constructor (
    private readonly deps: CallDeps<S, St>,
    private readonly request: FastifyRequest,
    readonly namespace: string,
    /** The X-Sandbox-Scenario value, already checked to name a scenario of this vendor. */
    readonly scenarioHeader: string | undefined
  ) {}

  get vendor (): string { return this.deps.vendor }
  get operation (): string { return operationOf(this.request) ?? '' }
  get settings (): S { return this.deps.settings }
  get store (): St { return this.deps.store }
  get random (): Random { return this.deps.random }
  get images (): ImageDecoder { return this.deps.images }
  get keysConfigured (): boolean { return this.deps.keysConfigured }
  get scenario (): string | undefined { return this.decision?.scenario }

  now (): Date { return new Date(this.nowMs()) }
  nowMs (): number { return this.deps.nowMs(this.namespace) }
  acceptsKey (key: unknown): boolean { return this.deps.acceptsKey(key) }

  private view (body: unknown): RequestView {
    const r = this.request
    return { headers: r.headers, query: r.query as Record<string, unknown>, params: r.params as Record<string, unknown>, body: body ?? r.body }
  }

  /**
   * The scenario and fault of the call once it is answered: its decision, or, when a real check
   * refused it before any decision, the fault of the matching rule (faults apply whatever the
   * outcome: vendor-notes, rulings).
   */
  settle (): { scenario: string | undefined, fault: Fault | undefined } {
    this.decision ??= this.deps.faultOnly(this, this.view(undefined))
    return this.decision
  }

  decide<O extends Outcome> (opts: DecideOptions = {}): O | undefined {
    const d = this.deps.decide(this, this.view(opts.body), opts.session)
    this.decision = { scenario: d.scenario, fault: d.fault }
    if (d.response !== undefined) throw d.response
    return d.outcome as O | undefined
  }

  decideOrThrow<O extends Outcome> (opts: DecideOrThrowOptions = {}): O {
    const outcome = this.decide<O>(opts)
    const code = outcome?.error
    if (code !== undefined) {
      const detail = typeof opts.detail === 'function' ? opts.detail(code) : opts.detail
      throw this.deps.catalogue.error(code, detail)
    }
    return outcome ?? ({} as O)
  }

  bindSession (session: string): void {
    if (this.scenarioHeader !== undefined) this.deps.bindSession(this.namespace, session, this.scenarioHeader)
  }

  recordBody (body: unknown): void { this.journalBody = body }

  callback (request: Omit<OutboundRequest, 'namespace' | 'vendor' | 'time'>): void {
    this.callbacks.push({ ...request, namespace: this.namespace, vendor: this.vendor, time: () => this.now().toISOString() })
  }

  /** After the response: make the callbacks the service asked for (journaling.ts). */
  flushCallbacks (): void {
    for (const c of this.callbacks.splice(0)) this.deps.callback(c)
  }
}

/** The operationId of the request's route (`<vendor>.<name>`), if it has one. */
export function operationOf (request: FastifyRequest): string | undefined {
  return (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The sandbox call of a request under a vendor prefix (core/vendor/call.ts). */
    call: RequestCall<any, any>
  }
}
