/**
 * Calls the sandbox makes on its own (e.g. Oz's `resolution_endpoint`), after the response that
 * triggered them. They go only to hosts on the allow-list (loopback by default): the vendor
 * documents' example hosts are public, and a sandbox must not become an SSRF relay. Every attempt,
 * and every skip, is journaled under the namespace of the request that caused it.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { CoreSettings } from './config.js'
import type { Journal } from './journal/index.js'
import { sleep } from './sleep.js'

export interface OutboundRequest {
  namespace: string
  vendor: string
  /** The operationId recorded in the journal, e.g. `oz.resolution_callback`. */
  operation: string
  url: string
  headers: Record<string, string>
  body: string | Buffer
  /** Time as the namespace's virtual clock sees it, for the journal. */
  time: () => string
}

export interface OutboundResult {
  delivered: boolean
  attempts: number
  status: number | undefined
  skipped?: string
}

/** A call still being delivered (or waiting to retry), as the admin API and the dashboard show it. */
export interface PendingCallback {
  /** Unique in the process: `callback-<n>`. */
  id: string
  namespace: string
  vendor: string
  operation: string
  url: string
  /** Attempts made so far, the one in flight included (0 before the first starts). */
  attempts: number
  /** When the call was asked for, on the namespace's virtual clock (ISO-8601). */
  started: string
}

export class Outbound {
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly pendingCalls = new Map<string, PendingCallback>()
  private counter = 0

  constructor (
    private readonly settings: CoreSettings['callbacks'],
    private readonly journal: Journal,
    private readonly log: FastifyBaseLogger
  ) {}

  /** Why the URL may not be called, or undefined when it may. */
  refusal (url: string): string | undefined {
    if (!this.settings.enabled) return 'callbacks are switched off (settings: callbacks.enabled)'
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return 'not a valid URL'
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `protocol ${u.protocol} is not allowed`
    const host = u.hostname.replace(/^\[|\]$/g, '')
    if (!this.settings.allow_hosts.includes(host)) return `host ${host} is not on the allow-list (settings: callbacks.allow_hosts)`
    // A callback must never steer the sandbox itself (reset it, move its clock), with or without an admin token.
    if (/^\/+__(admin|dashboard)(\/|$)/i.test(safeDecode(u.pathname))) return 'the sandbox\'s own control paths (/__admin, /__dashboard) are never called back'
    return undefined
  }

  /** Start the call in the background; the returned promise never rejects. */
  post (call: OutboundRequest): Promise<OutboundResult> {
    const entry: PendingCallback = {
      id: `callback-${++this.counter}`,
      namespace: call.namespace,
      vendor: call.vendor,
      operation: call.operation,
      url: call.url,
      attempts: 0,
      started: call.time()
    }
    this.pendingCalls.set(entry.id, entry)
    const p: Promise<OutboundResult> = this.run(call, entry)
      .catch((err: unknown) => {
        this.log.error({ err }, 'callback failed unexpectedly')
        return { delivered: false, attempts: 0, status: undefined }
      })
      .finally(() => {
        this.inFlight.delete(p)
        this.pendingCalls.delete(entry.id)
      })
    this.inFlight.add(p)
    return p
  }

  /** The calls of a vendor in a namespace not yet delivered or given up, oldest first (copies: read-only). */
  pending (namespace: string, vendor: string): PendingCallback[] {
    return [...this.pendingCalls.values()].filter((c) => c.namespace === namespace && c.vendor === vendor).map((c) => ({ ...c }))
  }

  /** Wait for callbacks still running (at shutdown, and in tests). */
  async settle (): Promise<void> {
    await Promise.all([...this.inFlight])
  }

  private record (call: OutboundRequest, status: number, started: number, response: unknown): void {
    this.journal.record({
      namespace: call.namespace,
      time: call.time(),
      vendor: call.vendor,
      operation: call.operation,
      method: 'POST',
      path: call.url,
      status,
      scenario: undefined,
      durationMs: performance.now() - started,
      request: { headers: call.headers, query: {}, body: typeof call.body === 'string' ? safeJson(call.body) : call.body },
      response: { headers: {}, body: response, contentType: 'application/json' }
    })
  }

  private async run (call: OutboundRequest, entry: PendingCallback): Promise<OutboundResult> {
    const refusal = this.refusal(call.url)
    if (refusal !== undefined) {
      this.record(call, 0, performance.now(), JSON.stringify({ skipped: refusal }))
      return { delivered: false, attempts: 0, status: undefined, skipped: refusal }
    }
    let attempts = 0
    let status: number | undefined
    for (let i = 0; i <= this.settings.retries; i++) {
      if (i > 0) await sleep(100 * 2 ** (i - 1))
      attempts++
      entry.attempts = attempts
      const started = performance.now()
      try {
        const res = await fetch(call.url, {
          method: 'POST',
          headers: call.headers,
          body: call.body,
          signal: AbortSignal.timeout(this.settings.timeout_ms),
          redirect: 'manual'
        })
        status = res.status
        const text = await res.text()
        this.record(call, res.status, started, JSON.stringify({ attempt: attempts, body: text.slice(0, 4096) }))
        if (res.ok) return { delivered: true, attempts, status }
      } catch (err) {
        this.record(call, 0, started, JSON.stringify({ attempt: attempts, error: (err as Error).message }))
      }
    }
    return { delivered: false, attempts, status }
  }
}

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A percent-decoded path, or the path as it is when it does not decode. */
function safeDecode (path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}
