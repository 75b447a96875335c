/**
 * The namespace's live state for the admin API and the dashboard (store.ts, `inspect`): visitors with
 * their session expiry on the virtual clock, face payment accounts with their balance.
 */
import t from 'tap'
import { weber } from '../../../src/vendors/weber/index.js'
import { activateAccount, pay, postAccount } from '../../../src/vendors/weber/service/facepay.js'
import { T0 } from '../../helper.js'
import { DAY_MS, face, world } from './fixtures/world.js'

const inspectStore = weber.store?.inspect ?? (() => [])
const inspect = (store: Parameters<typeof inspectStore>[0], ns: string, nowMs: number): ReturnType<typeof inspectStore> => inspectStore(store, ns, nowMs, { callbacks: [] })

t.test('a visitor\'s session expires SESSION_EXPIRATION after its creation, counted down on the virtual clock', async (t) => {
  const w = world({ session_expiration_days: 2 })
  const session = w.visitor()
  w.advance(3_600_000)
  const [item] = inspect(w.store, 'default', w.now)
  t.same(item, {
    kind: 'visitor',
    id: session,
    expires_at: new Date(T0 + 2 * DAY_MS).toISOString(),
    remaining_seconds: 2 * 86400 - 3600,
    fields: { full_name: 'Lazuardy Khatulistiwa', email: 'lazuardy@nodeflux.io', company: 'Nodeflux', created_at: new Date(T0).toISOString() }
  })
  w.advance(2 * DAY_MS)
  t.equal(inspect(w.store, 'default', w.now)[0]?.remaining_seconds, 0, 'an expired session stays listed, with nothing left')
})

t.test('a face payment account: phone as sent, balance, minimum_payment, have_twin, active', async (t) => {
  const w = world()
  const session = w.visitor()
  const image = await face({ seed: 11 })
  await postAccount(w.call('weber.facePaymentAccount'), { session_id: session, full_name: 'Natasha Romanoff', phone: '081395827314', have_twin: true, data: { images: [image] } })
  const registered = inspect(w.store, 'default', w.now).find((i) => i.kind === 'account')
  t.match(registered, { expires_at: null, remaining_seconds: null, fields: { phone: '081395827314', balance: 0, minimum_payment: 50_000, have_twin: true, active: false } })
  activateAccount(w.call('weber.activateFacePaymentAccount'), { session_id: session, pin: '133007', minimum_payment: 75_000 })
  await pay(w.call('weber.pay'), { session_id: session, phone: '081395827314', pin: '133007', amount: 80_000, data: { images: [image] } })
  const account = inspect(w.store, 'default', w.now).find((i) => i.kind === 'account')
  t.same(account?.fields, { session_id: session, full_name: 'Natasha Romanoff', phone: '081395827314', balance: 920_000, minimum_payment: 75_000, have_twin: true, active: true })
})

t.test('only the namespace\'s own state, visitors first', async (t) => {
  const w = world()
  const a = w.visitor('team-a')
  w.visitor('team-b')
  t.same(inspect(w.store, 'team-a', w.now).map((i) => [i.kind, i.id]), [['visitor', a]])
  t.same(inspect(w.store, 'nobody', w.now), [])
})
