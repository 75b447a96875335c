/**
 * The Riset.ai state the admin API shows (store.inspect): the Accesstokens issued in a namespace, on
 * the virtual clock, without the app.
 */
import t from 'tap'
import { riset } from '../../../src/vendors/riset/index.js'
import { authenticate, issueToken, revokeToken } from '../../../src/vendors/riset/service/tokens.js'
import type { TokenStore } from '../../../src/vendors/riset/store.js'
import { T0 } from '../../helper.js'
import { memoryStore, testCall } from '../../services.js'

const inspectStore = riset.store?.inspect as NonNullable<NonNullable<typeof riset.store>['inspect']>
const inspect = (store: Parameters<typeof inspectStore>[0], ns: string, nowMs: number): ReturnType<typeof inspectStore> => inspectStore(store, ns, nowMs, { callbacks: [] })

function issue (store: TokenStore, clientId: string, opts: { namespace?: string, nowMs?: number, settings?: unknown } = {}): string {
  return issueToken(testCall(riset, { operation: 'riset.clientToken', store, ...opts }), clientId).access_token
}

t.test('each issued Accesstoken is a "token" item, newest first, named by the start of its signature', async (t) => {
  const store = memoryStore(riset)
  const a = issue(store, 'riset.ai')
  const b = issue(store, 'partner', { nowMs: T0 + 5000 })
  const items = inspect(store, 'default', T0 + 10_000)
  t.same(items.map((i) => i.kind), ['token', 'token'])
  t.same(items.map((i) => i.id), [b.split('.')[2]?.slice(0, 12), a.split('.')[2]?.slice(0, 12)])
  t.not(items[0]?.id, items[1]?.id, 'every token has its own id, though their headers are the same')
  t.same(items.map((i) => i.fields), [
    { client_id: 'partner', issued_at: '2026-01-15T09:00:05.000Z', revoked: false },
    { client_id: 'riset.ai', issued_at: '2026-01-15T09:00:00.000Z', revoked: false }
  ])
})

t.test('tokens that never expire (the default) have no expires_at and no remaining_seconds', async (t) => {
  const store = memoryStore(riset)
  issue(store, 'riset.ai')
  t.match(inspect(store, 'default', T0 + 86_400_000), [{ expires_at: null, remaining_seconds: null }])
})

t.test('with token_lifetime_seconds, expires_at and remaining_seconds follow the virtual clock, down to 0', async (t) => {
  const store = memoryStore(riset)
  issue(store, 'riset.ai', { settings: { token_lifetime_seconds: 3600 } })
  const at = (ms: number): unknown => { const [i] = inspect(store, 'default', T0 + ms); return [i?.expires_at, i?.remaining_seconds] }
  t.same(at(0), ['2026-01-15T10:00:00.000Z', 3600])
  t.same(at(1000 * 3599 + 1), ['2026-01-15T10:00:00.000Z', 1], 'a part of a second left still counts: the token is valid')
  t.same(at(1000 * 3600), ['2026-01-15T10:00:00.000Z', 0], 'expired')
  t.same(at(1000 * 7200), ['2026-01-15T10:00:00.000Z', 0])
})

t.test('a revoked token shows revoked: true; revoked values that were never issued are not tokens of the namespace', async (t) => {
  const store = memoryStore(riset)
  const token = issue(store, 'riset.ai')
  issue(store, 'riset.ai')
  const call = testCall(riset, { operation: 'riset.revokeToken', store })
  revokeToken(call, authenticate(call, token), 'riset.ai')
  revokeToken(call, authenticate(call, 'some-api-key'), 'riset.ai')
  t.same(inspect(store, 'default', T0).map((i) => i.fields.revoked), [false, true], 'newest first: the first issued, revoked, is last')
})

t.test('only the namespace\'s own tokens', async (t) => {
  const store = memoryStore(riset)
  issue(store, 'riset.ai', { namespace: 'a' })
  issue(store, 'riset.ai', { namespace: 'a' })
  issue(store, 'other', { namespace: 'b' })
  t.equal(inspect(store, 'a', T0).length, 2)
  t.same(inspect(store, 'b', T0).map((i) => i.fields.client_id), ['other'])
  t.same(inspect(store, 'c', T0), [])
})
