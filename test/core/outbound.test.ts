/**
 * Callbacks the sandbox makes (Oz's resolution_endpoint): only to allow-listed hosts, and never to
 * the sandbox's own control paths, so a callback cannot reset the sandbox or move its clock.
 */
import t from 'tap'
import { Outbound } from '../../src/core/outbound.js'

const silent = { error: () => {}, warn: () => {}, info: () => {} } as any
const journal = { record: () => {} } as any
const outbound = new Outbound({ enabled: true, allow_hosts: ['127.0.0.1', 'localhost', '::1'], timeout_ms: 1000, retries: 0 }, journal, silent)

t.test('callbacks go to allow-listed hosts only (loopback by default)', async (t) => {
  t.equal(outbound.refusal('http://127.0.0.1:9000/hook'), undefined)
  t.match(outbound.refusal('https://api.example.com/hook'), /not on the allow-list/)
  t.match(outbound.refusal('ftp://127.0.0.1/x'), /protocol ftp: is not allowed/)
  t.match(outbound.refusal('not a url'), /not a valid URL/)
})

t.test("a callback to the sandbox's own /__admin or /__dashboard paths is refused, however spelled", async (t) => {
  for (const url of ['http://127.0.0.1:4400/__admin/clock/reset', 'http://localhost:4400//__admin/reset', 'http://127.0.0.1:4400/%5F%5Fadmin/reset', 'http://[::1]:4400/__ADMIN/reset', 'http://127.0.0.1:4400/__dashboard/']) {
    t.match(outbound.refusal(url), /control paths/, url)
  }
  t.equal(outbound.refusal('http://127.0.0.1:4400/my__admin/hook'), undefined, 'a receiver path that merely contains the word')
})
