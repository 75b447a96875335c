/**
 * Generated data is deterministic: the same seed and parts give the same values; another seed or
 * other parts give others.
 */
import t from 'tap'
import { Random } from '../../src/core/random.js'

t.test('the same seed and request content give the same values, others differ', async (t) => {
  const a = new Random(0)
  const b = new Random(0)
  const c = new Random(1)
  t.equal(a.hash('x', Buffer.from('img')), b.hash('x', Buffer.from('img')))
  t.not(a.hash('x', 'img'), c.hash('x', 'img'), 'another seed')
  t.not(a.hash('x', 'img'), a.hash('x', 'img2'), 'other content')
  t.not(a.hash('ab', 'c'), a.hash('a', 'bc'), 'parts are separated')
  const u = a.unit('s')
  t.ok(u >= 0 && u < 1)
  t.equal(u, b.unit('s'))
  const v = a.between(0.5, 0.6, 4, 'k')
  t.ok(v >= 0.5 && v <= 0.6)
  t.ok((String(v).split('.')[1] ?? '').length <= 4, 'rounded to 4 decimals')
})

t.test('generated data needs the generators loaded first (they load after start-up)', async (t) => {
  const r = new Random(7)
  await r.load()
  t.equal(r.loaded, true)
  t.ok(r.generate('en', ['x'], (f) => f.person.firstName()).length > 0)
})

t.test('faker is seeded per call: same parts, same person; interleaved calls do not disturb each other', async (t) => {
  const r = new Random(7)
  await r.load()
  const first = r.generate('vi', ['session-1'], (f) => f.person.fullName())
  r.generate('vi', ['session-2'], (f) => f.person.fullName())
  t.equal(r.generate('vi', ['session-1'], (f) => f.person.fullName()), first)
  t.not(r.generate('en', ['session-1'], (f) => f.person.fullName()), first, 'another locale, another name')
  t.not(new Random(8).generate('vi', ['session-1'], (f) => f.person.fullName()), first, 'another seed')
})
