/**
 * Every request under a vendor prefix goes into the journal once: when its response is sent, or when
 * the connection ends without one (a drop fault, a client that gave up), with status 0. The hook only
 * hands references over; the journal summarises and writes them off the request path.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import type { Journal } from '../journal/index.js'
import { operationOf } from './call.js'

export interface JournalingDeps {
  vendor: string
  journal: Journal
  clock: Clock
}

/** Journal the request with this status (0: no response), once. */
export function journalCall (deps: JournalingDeps, request: FastifyRequest, reply: FastifyReply | undefined, status: number): void {
  const call = request.call
  if (call === null || call.journaled) return
  call.journaled = true
  const { scenario, fault } = call.settle()
  const headers: Record<string, unknown> = reply?.getHeaders() ?? {}
  deps.journal.record({
    namespace: call.namespace,
    time: deps.clock.now(call.namespace).toISOString(),
    vendor: deps.vendor,
    operation: operationOf(request),
    method: request.method,
    path: request.url,
    status,
    scenario,
    fault,
    durationMs: performance.now() - call.started,
    request: { headers: request.headers, query: request.query, body: call.journalBody !== undefined ? call.journalBody : request.body },
    response: status === 0 ? { headers: {}, body: null, contentType: undefined } : { headers, body: call.payload, contentType: headers['content-type'] as string | undefined }
  })
}

export function registerJournaling (scope: FastifyInstance, deps: JournalingDeps): void {
  scope.addHook('onResponse', (request, reply, done) => {
    journalCall(deps, request, reply, reply.statusCode)
    request.call?.flushCallbacks()
    done()
  })
  scope.addHook('onRequestAbort', (request, done) => {
    journalCall(deps, request, undefined, 0)
    done()
  })
}
