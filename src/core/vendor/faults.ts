/**
 * Faults (CONTRACT.md, "Scenario files"): added latency, another HTTP status, a dropped connection,
 * an empty or malformed body. They apply whatever the outcome (vendor-notes, rulings), so also to a
 * request refused by a real check before any decision: then the matching rule's fault is looked up
 * without advancing its sequence.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Random } from '../random.js'
import type { Fault } from '../scenarios/schema.js'
import { sleep } from '../sleep.js'

export interface FaultDeps {
  random: Random
  /** Latencies are multiplied by this (settings: scenarios.latency_scale; tests scale them down). */
  latencyScale: number
  /** A dropped connection is journaled here, since no response follows. */
  onDrop: (request: FastifyRequest) => void
}

/** The latency to add, in ms: fixed, or drawn in [min, max] from the seeded random (per request). */
function latencyOf (deps: FaultDeps, fault: Fault, request: FastifyRequest): number {
  const l = fault.latency_ms
  if (l === undefined) return 0
  const ms = typeof l === 'number' ? l : l.min + Math.floor(deps.random.unit('fault.latency', request.call.namespace, request.id) * (l.max - l.min + 1))
  return ms * deps.latencyScale
}

function cut (payload: unknown): string {
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : ''
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)))
}

async function apply (deps: FaultDeps, request: FastifyRequest, reply: FastifyReply, fault: Fault, payload: unknown): Promise<unknown> {
  const ms = latencyOf(deps, fault, request)
  if (ms > 0) await sleep(ms)
  if (fault.status !== undefined) reply.code(fault.status)
  if (fault.drop === true) {
    // Close the connection without an answer: what a crashed upstream or a cut network looks like.
    deps.onDrop(request)
    reply.raw.destroy()
    return ''
  }
  if (fault.empty === true) {
    reply.removeHeader('content-type')
    return ''
  }
  return fault.malformed === true ? cut(payload) : payload
}

export function registerFaults (scope: FastifyInstance, deps: FaultDeps): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    const fault = request.call.settle().fault
    const out = fault === undefined ? payload : await apply(deps, request, reply, fault, payload)
    request.call.payload = out
    return out
  })
}
