/**
 * SandboxClient: the admin API as methods, one call each, in the client's namespace (CONTRACT.md,
 * "Test kit"). Arguments are checked before any request (the error names the argument); the
 * sandbox's refusals become SandboxError; a URL where no sandbox answers becomes NotASandboxError.
 */
import { NotASandboxError, SandboxError, WaitTimeoutError } from './errors.js'
import { request, type HttpAnswer } from './http.js'
import { checkNamespace, checkOperation, checkScenarioName, checkVendor, uniqueNamespace, type VendorId } from './names.js'
import type {
  ActiveScenario, ActiveScenarios, ControlHeaders, Health, JournalEntry, RequestFilter, RequestsQuery, ResetResult,
  SandboxClientApi, SandboxClientOptions, SandboxClock, ScenarioInfo, WaitOptions
} from './types.js'
import { waitForEntry } from './wait.js'

const FILTER_KEYS = ['vendor', 'operation', 'scenario', 'status'] as const
const MAX_LIMIT = 10_000
const MAX_CLOCK_SECONDS = 100 * 365 * 86400

function isRecord (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** @internal Checks a journal filter (and limit); the error names the method and the field. */
export function checkFilter (filter: unknown, what: string, allowLimit: boolean): RequestsQuery {
  if (filter === undefined) return {}
  if (!isRecord(filter)) throw new TypeError(`${what}: expected an object like { operation: 'fpt.ocr' }, got ${JSON.stringify(filter)}`)
  const known: readonly string[] = allowLimit ? [...FILTER_KEYS, 'limit'] : FILTER_KEYS
  for (const key of Object.keys(filter)) {
    if (!known.includes(key)) throw new TypeError(`${what}: unknown field "${key}" (fields: ${known.join(', ')})`)
  }
  const out: RequestsQuery = {}
  if (filter.vendor !== undefined) out.vendor = checkVendor(filter.vendor, `${what}.vendor`)
  if (filter.operation !== undefined) out.operation = checkOperation(filter.operation, `${what}.operation`)
  if (filter.scenario !== undefined) out.scenario = checkScenarioName(filter.scenario, `${what}.scenario`)
  if (filter.status !== undefined) {
    if (!Number.isInteger(filter.status) || (filter.status as number) < 0 || (filter.status as number) > 599) {
      throw new RangeError(`${what}.status: expected an HTTP status (an integer 0-599; 0 is a dropped connection), got ${JSON.stringify(filter.status)}`)
    }
    out.status = filter.status as number
  }
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || (filter.limit as number) < 1 || (filter.limit as number) > MAX_LIMIT) {
      throw new RangeError(`${what}.limit: expected an integer 1-${MAX_LIMIT}, got ${JSON.stringify(filter.limit)}`)
    }
    out.limit = filter.limit as number
  }
  return out
}

/** @internal */
export function queryString (q: RequestsQuery): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v))
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

function checkOptions (options: unknown): SandboxClientOptions & { url: string } {
  if (!isRecord(options)) throw new TypeError('new SandboxClient(options): expected { url, namespace?, adminToken? }')
  const known = ['url', 'namespace', 'adminToken', 'ca', 'requestTimeoutMs']
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`new SandboxClient: unknown option "${key}" (options: ${known.join(', ')})`)
  }
  let url: URL
  try {
    url = new URL(String(options.url))
  } catch {
    throw new TypeError(`new SandboxClient: option url: ${JSON.stringify(options.url)} is not a URL (e.g. http://127.0.0.1:4400)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`new SandboxClient: option url: ${JSON.stringify(options.url)} is not an http(s) URL (e.g. http://127.0.0.1:4400)`)
  if (options.adminToken !== undefined && (typeof options.adminToken !== 'string' || options.adminToken === '')) {
    throw new TypeError('new SandboxClient: option adminToken: expected a non-empty string')
  }
  const t = options.requestTimeoutMs
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)) throw new RangeError('new SandboxClient: option requestTimeoutMs: expected a positive number of milliseconds')
  return { ...(options as unknown as SandboxClientOptions), url: url.href.replace(/\/+$/, '') }
}

export class SandboxClient implements SandboxClientApi {
  /** The sandbox's root URL, without a trailing slash. */
  readonly url: string
  readonly namespace: string
  readonly #options: SandboxClientOptions

  constructor (options: SandboxClientOptions) {
    const checked = checkOptions(options)
    this.url = checked.url
    this.namespace = checked.namespace === undefined ? 'default' : checkNamespace(checked.namespace, 'new SandboxClient: option namespace')
    this.#options = { ...checked, url: this.url, namespace: this.namespace }
  }

  /** The same sandbox in another namespace; without an argument, a fresh one nobody else uses. */
  withNamespace (namespace?: string): SandboxClient {
    const ns = namespace === undefined ? uniqueNamespace() : checkNamespace(namespace, 'withNamespace(namespace)')
    return new SandboxClient({ ...this.#options, namespace: ns })
  }

  /** @internal The headers an admin call sends: namespace and, when set, the admin token. */
  adminHeaders (): Record<string, string> {
    const h: Record<string, string> = { 'x-sandbox-namespace': this.namespace }
    if (this.#options.adminToken !== undefined) h.authorization = `Bearer ${this.#options.adminToken}`
    return h
  }

  /** @internal */
  get ca (): string | string[] | undefined {
    return this.#options.ca
  }

  /** @internal One admin call; resolves to the JSON answer, rejects with SandboxError or NotASandboxError. */
  async call<T> (method: string, path: string, body?: unknown): Promise<T> {
    const target = new URL(`${this.url}/__admin${path}`)
    let answer: HttpAnswer
    try {
      answer = await request(target, {
        method,
        headers: this.adminHeaders(),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ca: this.#options.ca,
        timeoutMs: this.#options.requestTimeoutMs ?? 30_000
      })
    } catch (err) {
      throw new NotASandboxError(this.url, `${method} ${target.pathname} got no answer (${(err as Error).message})`, { cause: err })
    }
    const parsed = parseJson(answer.body)
    const refusal = isRecord(parsed) && isRecord(parsed.sandbox_error) ? parsed.sandbox_error : undefined
    if (refusal !== undefined && typeof refusal.code === 'string') {
      throw new SandboxError(answer.status, refusal.code, String(refusal.message ?? ''), refusal.details)
    }
    if (answer.status >= 200 && answer.status < 300 && parsed !== undefined) return parsed as T
    throw new NotASandboxError(this.url, `${method} ${target.pathname} answered ${answer.status} ${String(answer.headers['content-type'] ?? '(no content type)')}${describeBody(answer.body)}`)
  }

  async health (): Promise<Health> {
    const h = await this.call<unknown>('GET', '/health')
    if (!isRecord(h) || h.status !== 'ok' || !Array.isArray(h.vendors)) {
      throw new NotASandboxError(this.url, `GET /__admin/health answered ${JSON.stringify(h).slice(0, 200)}, not {"status":"ok","vendors":[...]}`)
    }
    return h as unknown as Health
  }

  /** Drop every state of the namespace: sessions, accounts, counters, journal, clock offset, active scenarios. */
  async reset (): Promise<ResetResult> {
    return await this.call('POST', '/reset')
  }

  async scenarios (): Promise<ScenarioInfo[]> {
    return await this.call('GET', '/scenarios')
  }

  /** Make `name` the namespace's active scenario for its vendor (an unknown name: SandboxError 404). */
  async useScenario (name: string): Promise<ActiveScenario> {
    return await this.call('PUT', '/scenario', { name: checkScenarioName(name, 'useScenario(name)') })
  }

  /** Back to the default outcomes, for every vendor or only `vendor`. */
  async clearScenario (vendor?: VendorId): Promise<ActiveScenarios> {
    return await this.call('DELETE', '/scenario', vendor === undefined ? undefined : { vendor: checkVendor(vendor, 'clearScenario(vendor)') })
  }

  async clock (): Promise<SandboxClock> {
    return await this.call('GET', '/clock')
  }

  /** Move the namespace's clock forward; session expiry and TTLs follow it. */
  async advanceClock (seconds: number): Promise<SandboxClock> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_CLOCK_SECONDS) {
      throw new RangeError(`advanceClock(seconds): expected a number of seconds from 0 to ${MAX_CLOCK_SECONDS} (the clock only moves forward), got ${JSON.stringify(seconds)}`)
    }
    return await this.call('POST', '/clock/advance', { seconds })
  }

  async resetClock (): Promise<SandboxClock> {
    return await this.call('POST', '/clock/reset')
  }

  /** The namespace's journal, newest first. */
  async requests (query?: RequestsQuery): Promise<JournalEntry[]> {
    const q = checkFilter(query, 'requests(query)', true)
    const answer = await this.call<{ requests: JournalEntry[] }>('GET', `/requests${queryString(q)}`)
    return answer.requests
  }

  async clearRequests (): Promise<{ cleared: number }> {
    return await this.call('DELETE', '/requests')
  }

  /**
   * The newest entry matching `filter` if the namespace has one, else the next one to arrive, taken
   * from the live journal feed (no polling of the database). On timeout, rejects with
   * WaitTimeoutError listing what the namespace did receive. `filter` may also be a predicate.
   */
  async waitForRequest (filter?: RequestFilter | ((entry: JournalEntry) => boolean), options: WaitOptions = {}): Promise<JournalEntry> {
    const predicate = typeof filter === 'function' ? filter : undefined
    const q = predicate === undefined ? checkFilter(filter, 'waitForRequest(filter)', false) : {}
    const timeoutMs = options.timeoutMs ?? 5000
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`waitForRequest: options.timeoutMs: expected a positive number of milliseconds, got ${JSON.stringify(options.timeoutMs)}`)
    }
    const found = await waitForEntry(this, q, predicate, timeoutMs, options.signal)
    if (found !== undefined) return found
    throw new WaitTimeoutError(predicate === undefined ? q : `the predicate ${predicate.name === '' ? '(anonymous)' : predicate.name}`, this.namespace, timeoutMs, await this.requests({ limit: 20 }))
  }

  /** Control headers for a client's own calls: this namespace and, when given, a scenario. */
  headers (scenario?: string): ControlHeaders {
    const h: ControlHeaders = { 'X-Sandbox-Namespace': this.namespace }
    if (scenario !== undefined) h['X-Sandbox-Scenario'] = checkScenarioName(scenario, 'headers(scenario)')
    return h
  }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describeBody (body: string): string {
  const text = body.trim().replace(/\s+/g, ' ')
  return text === '' ? '' : `: ${text.slice(0, 120)}${text.length > 120 ? '...' : ''}`
}
