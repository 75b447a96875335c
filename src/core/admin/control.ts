/**
 * Health, reset and the virtual clock (CONTRACT.md, "Admin API").
 */
import { z } from 'zod'
import { namespaceOf } from '../vendor/namespace.js'
import type { AdminDeps, ZodApp } from './index.js'
import { ClockBody, errors, NamespaceHeader, tags } from './schemas.js'

export function controlRoutes (r: ZodApp, { core, vendors }: AdminDeps): void {
  r.get('/health', {
    schema: {
      operationId: 'admin.health',
      tags,
      summary: 'Ready check',
      response: {
        200: z.object({
          status: z.enum(['ok', 'degraded']).describe('degraded: the server answers, but the database does not take writes (see store)'),
          vendors: z.array(z.string()),
          version: z.string(),
          store: z.object({ writable: z.boolean(), error: z.string().optional(), since: z.string().optional() })
            .describe('whether state writes succeed; while they fail, vendor routes that write answer their server error')
        })
      }
    }
  }, async () => {
    const store = core.storeHealth.status()
    return { status: store.writable ? 'ok' as const : 'degraded' as const, vendors: [...vendors], version: core.version, store }
  })

  r.post('/reset', {
    schema: {
      operationId: 'admin.reset',
      tags,
      summary: "Drop the namespace's state (or every namespace's with {\"all\":true})",
      headers: NamespaceHeader,
      body: z.object({ all: z.boolean().optional() }).strict().nullish(),
      response: { 200: z.object({ reset: z.enum(['namespace', 'all']), namespace: z.string().nullable() }), ...errors }
    }
  }, async (request) => {
    const all = request.body?.all === true
    const ns = all ? undefined : namespaceOf(request.headers)
    core.reset(ns)
    return { reset: all ? 'all' as const : 'namespace' as const, namespace: ns ?? null }
  })

  const clockOf = (ns: string): z.output<typeof ClockBody> => ({ now: core.clock.now(ns).toISOString(), offset_ms: core.clock.offset(ns) })

  r.get('/clock', {
    schema: { operationId: 'admin.clock', tags, summary: "The namespace's virtual time", headers: NamespaceHeader, response: { 200: ClockBody, ...errors } }
  }, async (request) => clockOf(namespaceOf(request.headers)))

  r.post('/clock/advance', {
    schema: {
      operationId: 'admin.clockAdvance',
      tags,
      summary: "Move the namespace's clock forward; expiry and TTLs follow it",
      headers: NamespaceHeader,
      body: z.object({ seconds: z.number().min(0).max(100 * 365 * 86400).describe('seconds to move forward (fractions allowed)') }).strict(),
      response: { 200: ClockBody, ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    core.clock.advance(ns, request.body.seconds * 1000)
    return clockOf(ns)
  })

  r.post('/clock/reset', {
    schema: { operationId: 'admin.clockReset', tags, summary: 'Offset back to 0', headers: NamespaceHeader, response: { 200: ClockBody, ...errors } }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    core.clock.reset(ns)
    return clockOf(ns)
  })
}
