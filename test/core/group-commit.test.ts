/**
 * Group commit (core/db.ts): writes of one tick share a transaction, each in its own savepoint; a
 * write that fails is refused alone; a commit that fails refuses the whole batch and keeps nothing.
 */
import t from 'tap'
import { GroupCommit, openDatabase } from '../../src/core/db.js'

function table (): ReturnType<typeof openDatabase> {
  const db = openDatabase(':memory:')
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)')
  return db
}

t.test('the writes of one tick commit together, each answered with its own result', async (t) => {
  const db = table()
  const g = new GroupCommit(db)
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')
  const results = await Promise.all([1, 2, 3].map(async (v) => await g.run(() => insert.run(`k${v}`, v).changes)))
  t.same(results, [1, 1, 1])
  t.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 3)
})

t.test('a write that fails is refused alone: the others of its batch are kept', async (t) => {
  const db = table()
  const g = new GroupCommit(db)
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')
  const [a, dup, c] = await Promise.allSettled([g.run(() => insert.run('a', 1)), g.run(() => { insert.run('b', 2); return insert.run('a', 3) }), g.run(() => insert.run('c', 4))])
  t.equal(a.status, 'fulfilled')
  t.equal(dup.status, 'rejected', 'the duplicate key fails that write')
  t.equal(c.status, 'fulfilled')
  t.same(db.prepare('SELECT k FROM t ORDER BY k').pluck().all(), ['a', 'c'], "the failed write's first statement is undone with it")
})

t.test('a database that refuses writes (read-only) refuses every write of the batch and keeps none', async (t) => {
  const db = table()
  const g = new GroupCommit(db)
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')
  db.pragma('query_only = ON') // every write of the batch now fails the way a read-only database does
  const settled = await Promise.allSettled([g.run(() => insert.run('x', 1)), g.run(() => insert.run('y', 2))])
  t.same(settled.map((s) => s.status), ['rejected', 'rejected'])
  db.pragma('query_only = OFF')
  t.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0)
})

t.test('a single-statement write runs without a savepoint and still fails alone', async (t) => {
  const db = table()
  const g = new GroupCommit(db)
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')
  const settled = await Promise.allSettled([
    g.run(() => insert.run('a', 1), { single: true }),
    g.run(() => insert.run('a', 2), { single: true }),
    g.run(() => insert.run('b', 3), { single: true })
  ])
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.same(db.prepare('SELECT k, v FROM t ORDER BY k').all(), [{ k: 'a', v: 1 }, { k: 'b', v: 3 }])
})
