/**
 * State lives in one SQLite file (WAL): with a file, it survives a restart.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { build, json } from '../helper.js'

t.test('with a database file, the clock offset, the active scenario and the journal survive a restart', async (t) => {
  const db = join(t.testdir({}), 'sandbox.db')
  const ns = { 'x-sandbox-namespace': 'persist' }
  const first = await build(t, { db })
  await first.inject({ method: 'POST', url: '/__admin/clock/advance', headers: ns, payload: { seconds: 3600 } })
  await first.inject({ method: 'PUT', url: '/__admin/scenario', headers: ns, payload: { name: 'gtriip/spoof' } })
  await first.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...ns, 'x-api-key': 'k' }, payload: {} })
  t.equal(first.core.db.pragma('journal_mode', { simple: true }), 'wal')
  await first.close()

  const second = await build(t, { db })
  t.equal(json(await second.inject({ method: 'GET', url: '/__admin/clock', headers: ns })).offset_ms, 3600000)
  t.same(json(await second.inject({ method: 'GET', url: '/__admin/scenario', headers: ns })).active, { gtriip: 'gtriip/spoof' })
  const entries = json(await second.inject({ method: 'GET', url: '/__admin/requests', headers: ns })).requests
  t.equal(entries.length, 1)
  t.equal(entries[0].status, 400)
})

t.test('migrations run once: reopening a database does not re-create tables', async (t) => {
  const db = join(t.testdir({}), 'm.db')
  const a = await build(t, { db })
  const count = a.core.db.prepare('SELECT count(*) FROM sandbox_migrations').pluck().get()
  await a.close()
  const b = await build(t, { db })
  t.equal(b.core.db.prepare('SELECT count(*) FROM sandbox_migrations').pluck().get(), count)
})

t.test('answers the sandbox sends many times are persisted with each entry (sent to the writer once, summarised once)', async (t) => {
  for (const maxBytes of [256 * 1024, 4096]) {
    const db = join(t.testdir({}), `sandbox-${maxBytes}.db`)
    const settings = { journal: { max_entry_bytes: maxBytes } }
    const first = await build(t, { db, settings })
    for (let i = 0; i < 3; i++) await first.inject({ method: 'GET', url: '/weber/api/v1/services' })
    const held = json(await first.inject({ method: 'GET', url: '/__admin/requests' })).requests
    await first.close()
    const second = await build(t, { db, settings })
    const entries = json(await second.inject({ method: 'GET', url: '/__admin/requests' })).requests
    t.equal(entries.length, 3)
    t.same(entries, held, `persisted exactly as the journal held them (max_entry_bytes ${maxBytes})`)
    if (maxBytes > 4096) for (const e of entries) t.equal(e.response.body.data.length, 17, 'the whole catalogue answer, in every entry')
    else t.ok(entries.every((e: { truncated?: boolean }) => e.truncated === true), 'cut to the entry\'s size')
  }
})

t.test('entries that arrive faster than they are written: the newest of each namespace are persisted (the others would be trimmed), all on a clean close', async (t) => {
  const db = join(t.testdir({}), 'burst.db')
  const first = await build(t, { db, settings: { journal: { max_per_namespace: 5 } } })
  for (let i = 0; i < 40; i++) await first.inject({ method: 'GET', url: `/oz/v1/face/pattern/health?i=${i}`, headers: { 'x-sandbox-namespace': i % 2 === 0 ? 'even' : 'odd' } })
  await first.close()
  const file = new Database(db, { readonly: true })
  t.teardown(() => file.close())
  const persisted = (ns: string): string[] => (file.prepare('SELECT path FROM core_journal WHERE namespace = ? ORDER BY id').pluck().all(ns) as string[])
  t.same(persisted('even'), [30, 32, 34, 36, 38].map((i) => `/oz/v1/face/pattern/health?i=${i}`))
  t.same(persisted('odd'), [31, 33, 35, 37, 39].map((i) => `/oz/v1/face/pattern/health?i=${i}`))
})

t.test('an answer sent many times is stored once, whatever the number of entries carrying it, and goes with the last of them', async (t) => {
  const db = join(t.testdir({}), 'bodies.db')
  const count = (sql: string): number => {
    const file = new Database(db, { readonly: true })
    try { return file.prepare(sql).pluck().get() as number } finally { file.close() }
  }
  const first = await build(t, { db })
  for (let i = 0; i < 3; i++) await first.inject({ method: 'GET', url: '/weber/api/v1/services' })
  await first.close()
  t.equal(count('SELECT count(*) FROM core_journal WHERE body_ref IS NOT NULL'), 3, 'three entries refer to it')
  t.equal(count('SELECT count(*) FROM core_journal_bodies'), 1, 'one body')
  t.ok(count('SELECT max(length(response)) FROM core_journal') < 1000, 'the rows hold the headers, not the 8.6 KB answer')
  const second = await build(t, { db })
  t.equal(json(await second.inject({ method: 'DELETE', url: '/__admin/requests' })).cleared, 3)
  await second.close()
  t.equal(count('SELECT count(*) FROM core_journal'), 0, 'an earlier run\'s entries cleared on disk too')
  t.equal(count('SELECT count(*) FROM core_journal_bodies'), 0, 'the body gone with the entries')
})

/** Resolves once `check` holds (polled every 10 ms), or rejects after 10 s. */
async function until (check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

t.test('while the journal\'s worker runs it checkpoints the WAL, not the main thread; when it is gone the main thread does again', async (t) => {
  const app = await build(t, { db: join(t.testdir({}), 'sandbox.db') })
  const mainCheckpointsAfter = (): unknown => app.core.db.pragma('wal_autocheckpoint', { simple: true })
  t.equal(mainCheckpointsAfter(), 1000, 'SQLite\'s default before the worker starts')
  await app.inject({ method: 'GET', url: '/weber/api/v1/services' })
  await until(() => mainCheckpointsAfter() === 0, 'the worker to start')
  const persister = (app.core.journal as unknown as { persister: { worker: { terminate: () => Promise<number> } } }).persister
  await persister.worker.terminate()
  await until(() => mainCheckpointsAfter() === 1000, 'the main thread to checkpoint again')
  t.equal(mainCheckpointsAfter(), 1000, 'the main thread checkpoints again once the worker is gone')
})
