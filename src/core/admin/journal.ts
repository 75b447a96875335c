/**
 * The request journal: read it, clear it, or follow it live as server-sent events (the dashboard,
 * the test kit's waitForRequest): no polling loop.
 */
import { fastifySSE } from '@fastify/sse'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { matches, type JournalEvent } from '../journal/index.js'
import { namespaceOf } from '../vendor/namespace.js'
import type { AdminDeps, ZodApp } from './index.js'
import { errors, JournalEntry, NamespaceHeader, StreamQuery, tags } from './schemas.js'

const STREAM_DESCRIPTION = `Server-sent events (text/event-stream) for the namespace, with the same filters as GET /requests:
- \`ready\`: once, when the stream is subscribed; data \`{"namespace"}\`. Entries answered after it are delivered.
- \`request\`: a new journal entry matching the filters, as soon as it is written; data: the entry exactly as GET /requests returns it (SandboxJournalEntry), event id = entry id.
- \`cleared\`: the namespace's journal was cleared (DELETE /requests) or the namespace reset; data \`{"namespace"}\`.
- a comment line (\`: heartbeat\`) every 15 seconds keeps proxies from closing the stream.
EventSource cannot send headers: give the namespace as the \`namespace\` query parameter (with --admin-token, read the stream with fetch to send Authorization).`

/** The namespace of a stream request: the header, else the query parameter, checked by the same rule. */
function streamNamespace (request: FastifyRequest, fromQuery: string | undefined): string {
  if (request.headers['x-sandbox-namespace'] !== undefined || fromQuery === undefined) return namespaceOf(request.headers)
  return namespaceOf({ 'x-sandbox-namespace': fromQuery })
}

export function journalRoutes (r: ZodApp, { core }: AdminDeps): void {
  r.get('/requests', {
    schema: {
      operationId: 'admin.requests',
      tags,
      summary: 'The request journal, newest first',
      headers: NamespaceHeader,
      querystring: z.object({
        vendor: z.string().optional(),
        operation: z.string().optional().describe('operationId, e.g. gtriip.liveness'),
        scenario: z.string().optional(),
        status: z.coerce.number().int().optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(100)
      }).strict(),
      response: { 200: z.object({ requests: z.array(JournalEntry), truncated: z.boolean().describe('true when older matching entries were left out to keep the answer under 32 MiB of body text') }), ...errors }
    }
  }, async (request) => core.journal.query(namespaceOf(request.headers), request.query))

  r.delete('/requests', {
    schema: {
      operationId: 'admin.requestsClear',
      tags,
      summary: "Clear the namespace's journal",
      headers: NamespaceHeader,
      response: { 200: z.object({ cleared: z.number().int() }), ...errors }
    }
  }, async (request) => ({ cleared: core.journal.clear(namespaceOf(request.headers)) }))
}

export async function journalStream (r: ZodApp, { core }: AdminDeps): Promise<void> {
  await r.register(fastifySSE, { heartbeatInterval: 15_000 })
  // Closing the app ends the streams still open: a stream never ends by itself, and the server's close
  // would wait for its clients to leave.
  const open = new Set<() => void>()
  r.addHook('preClose', (done) => {
    for (const end of open) end()
    done()
  })
  r.get('/requests/stream', {
    sse: { kind: 'manual' },
    schema: {
      operationId: 'admin.requestsStream',
      tags,
      summary: "The namespace's journal, live: one server-sent event per new entry",
      description: STREAM_DESCRIPTION,
      headers: NamespaceHeader,
      querystring: StreamQuery,
      response: {
        200: { description: 'an endless text/event-stream: ready, then request and cleared events', content: { 'text/event-stream': { schema: z.string() } } },
        ...errors
      }
    }
  }, async (request, reply) => {
    const q = request.query
    const ns = streamNamespace(request, q.namespace)
    reply.sse.keepAlive()
    // A client gone meanwhile: the stream's onClose unsubscribes it; a failed write has nothing to tell.
    const send = (msg: { id?: string, event: string, data: unknown }): void => { reply.sse.send(msg).catch((err: unknown) => { request.log.debug({ err }, 'journal stream: a write to a closed stream') }) }
    const unsubscribe = core.journal.subscribe(ns, (ev: JournalEvent) => {
      if (!reply.sse.isConnected) return
      if (ev.kind === 'cleared') send({ event: 'cleared', data: { namespace: ns } })
      else if (matches(ev.entry, q)) send({ id: String(ev.entry.id), event: 'request', data: ev.entry })
    })
    // Ended at shutdown with its connection: kept alive, the server's close would wait for the client to leave.
    const end = (): void => {
      reply.sse.close()
      request.raw.socket.end()
    }
    open.add(end)
    reply.sse.onClose(() => {
      unsubscribe()
      open.delete(end)
    })
    await reply.sse.send({ event: 'ready', data: { namespace: ns } })
  })
}
