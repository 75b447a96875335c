/**
 * For the dashboard: the namespaces that hold state, and a namespace's live state per vendor on its
 * virtual clock (each vendor store's read-only inspect).
 */
import { z } from 'zod'
import type { StateItem } from '../vendor/module.js'
import { namespaceOf } from '../vendor/namespace.js'
import type { AdminDeps, ZodApp } from './index.js'
import { errors, NamespaceHeader, SandboxErrorBody, StateItemSchema, tags } from './schemas.js'

export function liveRoutes (r: ZodApp, { core, inspect }: AdminDeps): void {
  r.get('/namespaces', {
    schema: {
      operationId: 'admin.namespaces',
      tags,
      summary: 'Every namespace that holds state (rows, journal entries, a clock offset, an active scenario), sorted; "default" always',
      response: {
        200: z.object({
          namespaces: z.array(z.object({
            name: z.string(),
            journal: z.number().int().describe('journal entries kept'),
            offset_ms: z.number().int(),
            active: z.record(z.string(), z.string()).describe('active scenario per vendor')
          }))
        }),
        401: SandboxErrorBody
      }
    }
  }, async () => ({ namespaces: core.namespaces() }))

  r.get('/state', {
    schema: {
      operationId: 'admin.state',
      tags,
      summary: "The namespace's live state per vendor, on its virtual clock: FPT sessions, Weber visitors and accounts, Riset tokens, Oz callbacks in flight",
      headers: NamespaceHeader,
      response: { 200: z.object({ namespace: z.string(), now: z.string(), vendors: z.record(z.string(), z.array(StateItemSchema)) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const nowMs = core.clock.nowMs(ns)
    const out: Record<string, StateItem[]> = {}
    for (const [id, fn] of inspect) out[id] = fn(ns, nowMs)
    return { namespace: ns, now: new Date(nowMs).toISOString(), vendors: out }
  })
}
