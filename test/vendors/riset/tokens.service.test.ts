/**
 * The Riset.ai AuthTenant services without the app (vendor-notes §4 "Authentication" and the Riset
 * ruling): issuing, authenticating and revoking Accesstokens on a hand-made call with an in-memory
 * store and a clock the test moves. The wire format (forms, headers, statuses) is in tokens.test.ts.
 */
import t from 'tap'
import { riset } from '../../../src/vendors/riset/index.js'
import { authenticate, issueToken, revokeToken } from '../../../src/vendors/riset/service/tokens.js'
import type { RisetSettings } from '../../../src/vendors/riset/schemas.js'
import type { TokenStore } from '../../../src/vendors/riset/store.js'
import { T0 } from '../../helper.js'
import { memoryStore, refusal, testCall, type TestCall, type TestCallOptions } from '../../services.js'

const ISSUE = 'riset.clientToken'
const REVOKE = 'riset.revokeToken'
const LIVENESS = 'riset.verifyFaceLiveness'

type Options = Partial<TestCallOptions<TokenStore>>

interface World {
  /** Move the virtual clock to this many milliseconds after T0. */
  at: (ms: number) => void
  call: (operation: string, more?: Options) => TestCall<RisetSettings, TokenStore>
}

/** Calls of each operation on one store and one clock. */
function world (opts: Options = {}): World {
  const store = memoryStore(riset)
  let now = T0
  return {
    at: (ms) => { now = T0 + ms },
    call: (operation, more = {}) => testCall(riset, { store, nowMs: () => now, ...opts, ...more, operation })
  }
}

function claimsOf (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>
}

async function statusOf (operation: string, run: () => unknown): Promise<number> {
  return (await refusal(riset, operation, run)).status
}

t.test('an Accesstoken is a JWT signed RS256, as the document\'s example starts, for its client_id, issued now', async (t) => {
  const w = world()
  const { access_token: token } = issueToken(w.call(ISSUE), 'riset.ai')
  t.match(token, /^eyJhbGciOiJSUzI1NiIsIn[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{342}$/, '256-byte signature')
  t.same(Object.keys(claimsOf(token)), ['client_id', 'iat', 'jti'], 'no exp: tokens never expire by default')
  t.match(claimsOf(token), { client_id: 'riset.ai', iat: T0 / 1000 })
})

t.test('a new Accesstoken on every call, and the same ones for the same seed and order', async (t) => {
  const a = world()
  const b = world()
  const first = [issueToken(a.call(ISSUE), 'riset.ai'), issueToken(a.call(ISSUE), 'riset.ai')]
  t.not(first[0]?.access_token, first[1]?.access_token)
  t.same([issueToken(b.call(ISSUE), 'riset.ai'), issueToken(b.call(ISSUE), 'riset.ai')], first)
})

t.test('an issued Accesstoken authenticates, with its issue record, even when it is not one of --api-keys', async (t) => {
  const w = world({ apiKeys: ['riset.ai'] })
  const { access_token: token } = issueToken(w.call(ISSUE), 'riset.ai')
  const auth = authenticate(w.call(LIVENESS), token)
  t.equal(auth.token, token)
  t.match(auth.issued, { client_id: 'riset.ai', issued_at: T0, expires_at: null })
})

t.test('401 Accesstoken not authorized: missing, blank, or neither issued nor one of --api-keys', async (t) => {
  const w = world({ apiKeys: ['key-1'] })
  for (const token of ['', '  ', 'made-up-token']) t.equal(await statusOf(LIVENESS, () => authenticate(w.call(LIVENESS), token)), 401, JSON.stringify(token))
  t.equal(authenticate(w.call(LIVENESS), 'key-1').issued, undefined, 'an --api-keys value authenticates, without an issue record')
})

t.test('without --api-keys any non-empty Accesstoken authenticates', async (t) => {
  t.equal(authenticate(world().call(LIVENESS), 'anything').token, 'anything')
})

t.test('token_lifetime_seconds: the token carries exp and expires at exactly that second of the virtual clock', async (t) => {
  const w = world({ settings: { token_lifetime_seconds: 3600 } })
  const { access_token: token } = issueToken(w.call(ISSUE), 'riset.ai')
  t.equal((claimsOf(token).exp as number) - (claimsOf(token).iat as number), 3600)
  w.at(3600 * 1000 - 1)
  t.equal(authenticate(w.call(LIVENESS), token).token, token, 'valid until the last millisecond')
  w.at(3600 * 1000)
  const r = await refusal(riset, LIVENESS, () => authenticate(w.call(LIVENESS), token))
  t.equal(r.status, 401)
  t.match(r.headers?.['x-sandbox-note'], /expired/)
})

t.test('revoke answers "Success Revoke Token"; the Accesstoken never authenticates again', async (t) => {
  const w = world()
  const { access_token: token } = issueToken(w.call(ISSUE), 'riset.ai')
  t.same(revokeToken(w.call(REVOKE), authenticate(w.call(REVOKE), token), 'riset.ai'), { status_message: 'Success Revoke Token' })
  const r = await refusal(riset, LIVENESS, () => authenticate(w.call(LIVENESS), token))
  t.same([r.status, r.body], [401, { status: '401', status_message: 'Accesstoken not authorized' }])
  t.match(r.headers?.['x-sandbox-note'], /revoked/)
})

t.test('a revoked --api-keys value never authenticates again, but its client id still obtains tokens', async (t) => {
  const w = world({ apiKeys: ['key-1'] })
  revokeToken(w.call(REVOKE), authenticate(w.call(REVOKE), 'key-1'), 'key-1')
  t.equal(await statusOf(LIVENESS, () => authenticate(w.call(LIVENESS), 'key-1')), 401)
  t.ok(issueToken(w.call(ISSUE), 'key-1').access_token)
})

t.test('403 Requested resource denied: revoking a token with another client_id; the token stays valid', async (t) => {
  const w = world()
  const { access_token: token } = issueToken(w.call(ISSUE), 'riset.ai')
  const r = await refusal(riset, REVOKE, () => revokeToken(w.call(REVOKE), authenticate(w.call(REVOKE), token), 'someone.else'))
  t.same([r.status, r.body], [403, { status: '403', status_message: 'Requested resource denied' }])
  t.equal(authenticate(w.call(LIVENESS), token).token, token)
})

t.test('with --api-keys only the listed client ids obtain and revoke tokens (401)', async (t) => {
  const w = world({ apiKeys: ['a'] })
  t.equal(await statusOf(ISSUE, () => issueToken(w.call(ISSUE), 'intruder')), 401)
  t.equal(await statusOf(REVOKE, () => revokeToken(w.call(REVOKE), authenticate(w.call(REVOKE), 'a'), 'intruder')), 401)
  t.equal(authenticate(w.call(LIVENESS), 'a').token, 'a', 'a refused revoke revokes nothing')
})

t.test('tokens and revocations belong to their namespace', async (t) => {
  const w = world({ apiKeys: ['riset.ai'] })
  const { access_token: token } = issueToken(w.call(ISSUE, { namespace: 'a' }), 'riset.ai')
  t.ok(authenticate(w.call(LIVENESS, { namespace: 'a' }), token))
  t.equal(await statusOf(LIVENESS, () => authenticate(w.call(LIVENESS, { namespace: 'b' }), token)), 401, 'not issued in b')

  const open = world()
  revokeToken(open.call(REVOKE, { namespace: 'a' }), authenticate(open.call(REVOKE, { namespace: 'a' }), 'shared'), 'riset.ai')
  t.equal(await statusOf(LIVENESS, () => authenticate(open.call(LIVENESS, { namespace: 'a' }), 'shared')), 401)
  t.equal(authenticate(open.call(LIVENESS, { namespace: 'b' }), 'shared').token, 'shared', 'revoked in a only')
})

t.test('a scenario\'s error answers on the token routes, after the real checks; nothing is issued or revoked', async (t) => {
  const w = world({ apiKeys: ['riset.ai'] })
  t.equal(await statusOf(ISSUE, () => issueToken(w.call(ISSUE, { outcome: { error: '500' } }), 'riset.ai')), 500)
  t.equal(w.call(ISSUE).store.issuedCount('default'), 0)
  const refused = w.call(ISSUE, { outcome: { error: '500' } })
  t.equal(await statusOf(ISSUE, () => issueToken(refused, 'intruder')), 401, 'the client id is checked first')
  t.equal(refused.decisions.length, 0)
  const revoke = w.call(REVOKE, { outcome: { error: '403' } })
  t.equal(await statusOf(REVOKE, () => revokeToken(revoke, authenticate(revoke, 'riset.ai'), 'riset.ai')), 403)
  t.equal(authenticate(w.call(LIVENESS), 'riset.ai').token, 'riset.ai', 'not revoked')
})
