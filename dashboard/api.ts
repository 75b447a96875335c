/**
 * The admin API as the page uses it: every call carries the namespace (X-Sandbox-Namespace) and,
 * with --admin-token, the token (Authorization: Bearer). A refusal becomes an AdminError with the
 * sandbox's own code and message, so the page can show exactly what the sandbox said.
 */
import type { Active, Clock, Entry, Filters, NamespaceInfo, Scenario, StateBody } from './types'

export class AdminError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

export interface Client {
  call: <T>(method: string, path: string, opts?: { body?: unknown, ns?: string, signal?: AbortSignal }) => Promise<T>
  headers: (ns?: string) => Record<string, string>
}

export const TOKEN_KEY = 'ekyc-sandbox.admin-token'

export function createClient (token: () => string | null, onUnauthorized: (err: AdminError) => void): Client {
  const headers = (ns?: string): Record<string, string> => {
    const h: Record<string, string> = {}
    if (ns !== undefined && ns !== '') h['x-sandbox-namespace'] = ns
    const t = token()
    if (t !== null) h.authorization = `Bearer ${t}`
    return h
  }
  const call = async <T>(method: string, path: string, opts: { body?: unknown, ns?: string, signal?: AbortSignal } = {}): Promise<T> => {
    const h = headers(opts.ns)
    if (opts.body !== undefined) h['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(`/__admin${path}`, { method, headers: h, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal })
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      throw new AdminError(0, 'network', `the sandbox does not answer (${(err as Error).message})`)
    }
    const text = await res.text()
    let body: unknown
    try { body = text === '' ? null : JSON.parse(text) } catch { body = text }
    if (!res.ok) {
      const e = (body as { sandbox_error?: { code?: string, message?: string } } | null)?.sandbox_error
      const err = new AdminError(res.status, e?.code ?? `http-${res.status}`, e?.message ?? `HTTP ${res.status} ${text.slice(0, 200)}`)
      if (res.status === 401) onUnauthorized(err)
      throw err
    }
    return body as T
  }
  return { call, headers }
}

/** The admin calls, typed. */
export function adminApi (c: Client): {
  health: () => Promise<{ vendors: string[], version: string }>
  namespaces: () => Promise<NamespaceInfo[]>
  scenarios: () => Promise<Scenario[]>
  active: (ns: string) => Promise<Active>
  activate: (ns: string, name: string) => Promise<unknown>
  deactivate: (ns: string, vendor: string) => Promise<unknown>
  clock: (ns: string) => Promise<Clock>
  advance: (ns: string, seconds: number) => Promise<Clock>
  resetClock: (ns: string) => Promise<Clock>
  state: (ns: string) => Promise<StateBody>
  requests: (ns: string, f: Filters, limit: number) => Promise<Entry[]>
  clearRequests: (ns: string) => Promise<unknown>
  reset: (ns: string) => Promise<unknown>
} {
  return {
    health: async () => await c.call('GET', '/health'),
    namespaces: async () => (await c.call<{ namespaces: NamespaceInfo[] }>('GET', '/namespaces')).namespaces,
    scenarios: async () => await c.call('GET', '/scenarios'),
    active: async (ns) => (await c.call<{ active: Active }>('GET', '/scenario', { ns })).active,
    activate: async (ns, name) => await c.call('PUT', '/scenario', { ns, body: { name } }),
    deactivate: async (ns, vendor) => await c.call('DELETE', '/scenario', { ns, body: { vendor } }),
    clock: async (ns) => await c.call('GET', '/clock', { ns }),
    advance: async (ns, seconds) => await c.call('POST', '/clock/advance', { ns, body: { seconds } }),
    resetClock: async (ns) => await c.call('POST', '/clock/reset', { ns }),
    state: async (ns) => await c.call('GET', '/state', { ns }),
    requests: async (ns, f, limit) => (await c.call<{ requests: Entry[] }>('GET', `/requests?${filterQuery(f, { limit: String(limit) })}`, { ns })).requests,
    clearRequests: async (ns) => await c.call('DELETE', '/requests', { ns }),
    reset: async (ns) => await c.call('POST', '/reset', { ns })
  }
}

export type AdminApi = ReturnType<typeof adminApi>

/** The journal filters as query parameters (empty ones left out). */
export function filterQuery (f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra)
  for (const [k, v] of Object.entries(f)) if (v.trim() !== '') q.set(k, v.trim())
  return q.toString()
}
