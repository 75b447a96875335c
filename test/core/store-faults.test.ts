/**
 * Storage faults (issue "Keep answering", point 1): another process holding the write lock, a full
 * database. The process lives, the write that failed answers the vendor's server error (or the
 * sandbox's own error on admin calls), the health endpoint says the store is degraded, and service
 * resumes by itself once writes work again.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { build, json } from '../helper.js'
import { photo } from '../images.js'

t.test("another process holds the write lock: the vendor's server error, a degraded health, then service resumes", async (t) => {
  const file = join(t.testdir({}), 'sandbox.db')
  const app = await build(t, { db: file })
  const selfie = { image_bytes: (await photo()).toString('base64') }
  // A sequence scenario writes its counter on every decision.
  const send = async (): Promise<LightMyRequestResponse> => await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { 'x-api-key': 'k', 'x-sandbox-scenario': 'gtriip/spoof-then-live' }, payload: selfie })
  const shell = new Database(file)
  t.teardown(() => { shell.close() })
  shell.exec('BEGIN IMMEDIATE')

  const locked = await send()
  t.equal(locked.statusCode, 500)
  t.equal(json(locked).error_code, '005', "Gtriip's documented server error")
  const health = json(await app.inject({ method: 'GET', url: '/__admin/health' }))
  t.equal(health.status, 'degraded')
  t.match(health.store, { writable: false, error: /SQLITE_BUSY/ })
  const admin = await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 5 } })
  t.equal(admin.statusCode, 503)
  t.equal(admin.headers['x-sandbox-error'], 'store-unavailable')

  shell.exec('COMMIT')
  t.match(json(await app.inject({ method: 'GET', url: '/__admin/health' })), { status: 'ok', store: { writable: true } })
  const after = await send()
  t.equal(after.statusCode, 200, 'the sequence goes on: its first step, a spoof verdict')
  t.equal(json(after).result.liveness, false)
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/clock' })).offset_ms, 0, 'the refused clock move left nothing behind')
})

t.test('a full database: the health says so, and clears once there is room again', async (t) => {
  const file = join(t.testdir({}), 'sandbox.db')
  const app = await build(t, { db: file })
  const db = app.core.db
  const pages = db.pragma('page_count', { simple: true }) as number
  db.pragma(`max_page_count = ${pages}`)
  // Fill what room the last pages have, through an admin call that writes: it fails once they are full.
  let refused: { statusCode: number, headers: Record<string, unknown> } | undefined
  for (let i = 0; i < 2000 && refused === undefined; i++) {
    const res = await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: { 'x-sandbox-namespace': `n${i}-${'x'.repeat(50)}` }, payload: { seconds: 1 } })
    if (res.statusCode !== 200) refused = res
  }
  t.equal(refused?.statusCode, 503)
  t.equal(refused?.headers['x-sandbox-error'], 'store-unavailable')
  t.match(json(await app.inject({ method: 'GET', url: '/__admin/health' })).store, { writable: false, error: /SQLITE_FULL/ })
  db.pragma(`max_page_count = ${pages * 100}`)
  t.equal(json(await app.inject({ method: 'GET', url: '/__admin/health' })).status, 'ok')
  t.equal((await app.inject({ method: 'POST', url: '/__admin/clock/advance', headers: { 'x-sandbox-namespace': 'after' }, payload: { seconds: 1 } })).statusCode, 200)
})
