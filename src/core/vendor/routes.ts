/**
 * The vendor's routes as registered: every route must carry an operationId of the vendor's own
 * operations table, and the set of (method, path pattern) pairs answers "is this path known, and with
 * which methods?" for the 404/405 answers. Nothing is kept by hand: the index is what Fastify mounts.
 */
import type { RouteOptions } from 'fastify'

interface Entry { method: string, path: string, pattern: RegExp }

/** Route patterns (`/api/v1/services/:id`, `/*`) compiled once, when the route is registered. */
function compile (url: string): RegExp {
  const parts = url.split('/').map((seg) => {
    if (seg === '*') return '.*'
    if (seg.startsWith(':')) return '[^/]+'
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  })
  return new RegExp(`^${parts.join('/')}$`)
}

export class RouteIndex {
  private readonly entries: Entry[] = []

  constructor (private readonly prefix: string) {}

  /** Record a route as Fastify registers it (its url includes the prefix). */
  add (method: string, url: string): void {
    const local = url.startsWith(this.prefix) ? url.slice(this.prefix.length) || '/' : url
    if (local.endsWith('*')) return // catch-alls (preflight) never make a path "known"
    this.entries.push({ method, path: local, pattern: compile(local) })
  }

  /** The methods routes take at this vendor-local path ([] when none matches). */
  allowed (path: string): string[] {
    const out: string[] = []
    for (const e of this.entries) if (e.pattern.test(path) && !out.includes(e.method)) out.push(e.method)
    return out
  }

  /** Every registered (method, vendor-local path pattern), in registration order (e.g. for a note listing the API). */
  list (): Array<{ method: string, path: string }> {
    return this.entries.map(({ method, path }) => ({ method, path }))
  }
}

/** An onRoute check: the route's operationId belongs to the vendor and its operations table. */
export function checkOperation (vendor: string, operations: Readonly<Record<string, unknown>>, route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (methods.every((m) => m === 'OPTIONS' || m === 'HEAD')) return
  const id = (route.schema as { operationId?: string } | undefined)?.operationId
  if (id === undefined || !id.startsWith(`${vendor}.`)) {
    throw new Error(`${vendor}: route ${methods.join(',')} ${route.url} needs schema.operationId "${vendor}.<name>"`)
  }
  if (!(id in operations)) throw new Error(`${vendor}: route ${route.url} has operationId ${id}, which is not in the vendor's operations table`)
}
