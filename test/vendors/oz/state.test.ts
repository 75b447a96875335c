/**
 * What the dashboard shows of Oz ("Oz callbacks pending"): the resolution_endpoint callbacks core is
 * still delivering for the namespace, as StateItems of kind `callback` (src/vendors/oz/state.ts,
 * core's Outbound.pending), through GET /__admin/state.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { inspect } from '../../../src/vendors/oz/state.js'
import { build, json, multipart, T0 } from '../../helper.js'
import { photo } from '../../images.js'
import { P } from './fixtures/oz.js'

t.test('each pending callback is a StateItem of kind callback, with its url, operation, attempts and start', async (t) => {
  const callbacks = [
    { id: 'callback-1', namespace: 'qa', vendor: 'oz', operation: 'oz.resolution_callback', url: 'http://127.0.0.1:8080/a', attempts: 2, started: '2026-01-15T09:00:00.000Z' }
  ]
  t.same(inspect(undefined, 'qa', T0, { callbacks }), [{
    kind: 'callback',
    id: 'callback-1',
    expires_at: null,
    remaining_seconds: null,
    fields: { url: 'http://127.0.0.1:8080/a', operation: 'oz.resolution_callback', attempts: 2, started: '2026-01-15T09:00:00.000Z' }
  }])
  t.same(inspect(undefined, 'qa', T0, { callbacks: [] }), [], 'nothing pending, nothing shown: Oz keeps no state of its own')
})

/** A receiver that answers the given statuses in turn, then holds each further call until released. */
async function receiver (t: { teardown: (fn: () => unknown) => void }, statuses: number[]): Promise<{ url: string, held: () => Promise<ServerResponse> }> {
  const waiting: Array<(res: ServerResponse) => void> = []
  const heldResponses: ServerResponse[] = []
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const status = statuses.shift()
      if (status !== undefined) {
        res.statusCode = status
        res.end('{}')
        return
      }
      const w = waiting.shift()
      if (w === undefined) heldResponses.push(res)
      else w(res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { await new Promise((resolve) => server.close(resolve)) })
  const held = async (): Promise<ServerResponse> => heldResponses.shift() ?? await new Promise((resolve) => { waiting.push(resolve) })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oz-result`, held }
}

t.test('Oz callbacks pending: a resolution_endpoint call is listed while it is retried, in its namespace only, and gone once delivered', async (t) => {
  const app = await build(t)
  const r = await receiver(t, [503])
  const payload = JSON.stringify({ resolution_endpoint: r.url })
  const res = await app.inject({ method: 'POST', url: P.detect, ...multipart([{ name: 'm', value: await photo() }, { name: 'payload', value: payload }], { 'x-sandbox-namespace': 'qa' }) })
  t.equal(res.statusCode, 200)
  const second = await r.held() // the first attempt got 503; the second is waiting for an answer
  const stateOf = async (ns: string): Promise<unknown[]> => json(await app.inject({ method: 'GET', url: '/__admin/state', headers: { 'x-sandbox-namespace': ns } })).vendors.oz
  const state = await stateOf('qa')
  t.equal(state.length, 1)
  t.match(state[0], {
    kind: 'callback',
    id: /^callback-\d+$/,
    expires_at: null,
    remaining_seconds: null,
    fields: { url: r.url, operation: 'oz.resolution_callback', attempts: 2, started: new Date(T0).toISOString() }
  })
  t.same(await stateOf('default'), [], 'another namespace has none')
  second.end('{}')
  await app.core.outbound.settle()
  t.same(await stateOf('qa'), [], 'delivered: no longer pending')
})
