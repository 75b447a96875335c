/**
 * Riset.ai AuthTenant: POST /oauth/client/token, POST /oauth/token/revoke, and the Accesstoken header
 * (vendor-notes.md §4 "Authentication" and the Riset ruling).
 */
import t from 'tap'
import { build, json } from '../../helper.js'
import { body, form, FORM, obtainToken, REVOKE_URL, TOKEN_URL, URL, verify } from './fixtures/riset.js'

const CREDENTIALS = form({ client_id: 'riset.ai', password: '#password' })

async function revoke (app: Awaited<ReturnType<typeof build>>, token: string, clientId = 'riset.ai', headers: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof app.inject>>> {
  return await app.inject({ method: 'POST', url: REVOKE_URL, headers: { ...FORM, accesstoken: token, ...headers }, payload: form({ client_id: clientId, password: '#password' }) })
}

t.test('POST /oauth/client/token answers {"access_token": ...}, a JWT-shaped token, new on every call', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: CREDENTIALS })
  t.equal(res.statusCode, 200)
  const b = json(res)
  t.same(Object.keys(b), ['access_token'])
  t.match(b.access_token, /^eyJhbGciOiJSUzI1NiIsIn[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'starts as the document\'s example does')
  const claims = JSON.parse(Buffer.from(b.access_token.split('.')[1], 'base64url').toString())
  t.equal(claims.client_id, 'riset.ai')
  t.notOk('exp' in claims, 'no expiry by default')
  const again = json(await app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: CREDENTIALS }))
  t.not(again.access_token, b.access_token, 'a new Accesstoken every time')
})

t.test('a JSON body is tolerated on /oauth/client/token', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: TOKEN_URL, payload: { client_id: 'riset.ai', password: 'x' } })
  t.equal(res.statusCode, 200)
})

for (const [what, payload, headers] of [
  ['client_id is missing', form({ password: 'x' }), FORM],
  ['password is missing', form({ client_id: 'riset.ai' }), FORM],
  ['client_id is empty', form({ client_id: '', password: 'x' }), FORM],
  ['no body', undefined, {}],
  ['a text/plain body', 'client_id=a&password=b', { 'content-type': 'text/plain' }],
  ['a body over 64 KiB', form({ client_id: 'a', password: 'p'.repeat(70_000) }), FORM]
] as const) {
  t.test(`400 Request malformed on /oauth/client/token: ${what}`, async (t) => {
    const app = await build(t)
    const res = await app.inject({ method: 'POST', url: TOKEN_URL, headers, payload })
    t.equal(res.statusCode, 400)
    t.same(json(res), { status: '400', status_message: 'Request malformed' })
  })
}

t.test('an issued Accesstoken authenticates the liveness call', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'riset.ai,partner'] })
  const token = await obtainToken(app)
  t.equal((await verify(app, await body(['front']), { accesstoken: token })).statusCode, 200, 'issued, though not one of --api-keys')
})

t.test('401 Accesstoken not authorized: missing, empty or unknown, checked before the body', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'riset.ai'] })
  for (const headers of [{}, { accesstoken: '' }, { accesstoken: 'made-up-token' }, { authorization: 'Bearer riset.ai' }]) {
    const res = await app.inject({ method: 'POST', url: URL, headers: { ...headers, 'content-type': 'application/json' }, payload: 'not even json' })
    t.equal(res.statusCode, 401, JSON.stringify(headers))
    t.same(json(res), { status: '401', status_message: 'Accesstoken not authorized' })
  }
})

t.test('without --api-keys any non-empty Accesstoken authenticates', async (t) => {
  const app = await build(t)
  t.equal((await verify(app, await body(['front']), { accesstoken: 'anything' })).statusCode, 200)
  t.equal((await verify(app, await body(['front']), { accesstoken: ' ' })).statusCode, 401, 'blank is no token')
})

t.test('with --api-keys only the listed client ids obtain tokens, and the listed values work as tokens', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'a,b'] })
  t.equal((await app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: form({ client_id: 'a', password: 'x' }) })).statusCode, 200)
  const refused = await app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: form({ client_id: 'c', password: 'x' }) })
  t.equal(refused.statusCode, 401)
  t.same(json(refused), { status: '401', status_message: 'Accesstoken not authorized' })
  t.equal((await verify(app, await body(['front']), { accesstoken: 'b' })).statusCode, 200)
})

t.test('POST /oauth/token/revoke answers {"status_message":"Success Revoke Token"}; the token never authenticates again', async (t) => {
  const app = await build(t)
  const token = await obtainToken(app)
  const res = await revoke(app, token)
  t.equal(res.statusCode, 200)
  t.same(json(res), { status_message: 'Success Revoke Token' })
  const after = await verify(app, await body(['front']), { accesstoken: token })
  t.equal(after.statusCode, 401, 'revoked, although without --api-keys any value would do')
  t.same(json(after), { status: '401', status_message: 'Accesstoken not authorized' })
  t.equal((await revoke(app, token)).statusCode, 401, 'a revoked token cannot revoke itself again')
  const fresh = await obtainToken(app)
  t.equal((await verify(app, await body(['front']), { accesstoken: fresh })).statusCode, 200, 'a new token works')
})

t.test('a revoked --api-keys value never authenticates again, whatever --api-keys says', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'key-1'] })
  t.equal((await revoke(app, 'key-1', 'key-1')).statusCode, 200)
  t.equal((await verify(app, await body(['front']), { accesstoken: 'key-1' })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: form({ client_id: 'key-1', password: 'x' }) })).statusCode, 200, 'the client id still obtains new tokens')
})

t.test('403 Requested resource denied: revoking a token with another client_id; the token stays valid', async (t) => {
  const app = await build(t)
  const token = await obtainToken(app, 'riset.ai')
  const res = await revoke(app, token, 'someone.else')
  t.equal(res.statusCode, 403)
  t.same(json(res), { status: '403', status_message: 'Requested resource denied' })
  t.equal((await verify(app, await body(['front']), { accesstoken: token })).statusCode, 200)
})

t.test('revoke: the Accesstoken is checked before the body; the body needs client_id and password', async (t) => {
  const app = await build(t)
  const noToken = await app.inject({ method: 'POST', url: REVOKE_URL, headers: FORM, payload: 'garbage' })
  t.equal(noToken.statusCode, 401)
  const token = await obtainToken(app)
  const noBody = await app.inject({ method: 'POST', url: REVOKE_URL, headers: { ...FORM, accesstoken: token }, payload: form({ client_id: 'riset.ai' }) })
  t.equal(noBody.statusCode, 400)
  t.same(json(noBody), { status: '400', status_message: 'Request malformed' })
  t.equal((await verify(app, await body(['front']), { accesstoken: token })).statusCode, 200, 'a refused revoke revokes nothing')
})

t.test('with --api-keys, revoking needs an allowed client_id', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'a'] })
  const res = await revoke(app, 'a', 'intruder')
  t.equal(res.statusCode, 401)
  t.equal((await verify(app, await body(['front']), { accesstoken: 'a' })).statusCode, 200)
})

t.test('tokens and revocations belong to their namespace, and a reset drops them', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'riset.ai'] })
  const nsA = { 'x-sandbox-namespace': 'a' }
  const nsB = { 'x-sandbox-namespace': 'b' }
  const token = await obtainToken(app, 'riset.ai', nsA)
  t.equal((await verify(app, await body(['front']), { accesstoken: token, ...nsA })).statusCode, 200)
  t.equal((await verify(app, await body(['front']), { accesstoken: token, ...nsB })).statusCode, 401, 'not issued in namespace b')

  const plain = await build(t)
  t.equal((await revoke(plain, 'shared-token', 'riset.ai', nsA)).statusCode, 200)
  t.equal((await verify(plain, await body(['front']), { accesstoken: 'shared-token', ...nsA })).statusCode, 401)
  t.equal((await verify(plain, await body(['front']), { accesstoken: 'shared-token', ...nsB })).statusCode, 200, 'revoked in a only')
  t.equal((await plain.inject({ method: 'POST', url: '/__admin/reset', headers: nsA, payload: {} })).statusCode, 200)
  t.equal((await verify(plain, await body(['front']), { accesstoken: 'shared-token', ...nsA })).statusCode, 200, 'the reset dropped the blacklist')
})

t.test('token_lifetime_seconds: an issued token expires on the virtual clock', async (t) => {
  const app = await build(t, { argv: ['--api-keys', 'riset.ai'], settings: { riset: { token_lifetime_seconds: 3600 } } })
  const token = await obtainToken(app)
  const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())
  t.equal(claims.exp - claims.iat, 3600)
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 3599 } })
  t.equal((await verify(app, await body(['front']), { accesstoken: token })).statusCode, 200)
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 1 } })
  const res = await verify(app, await body(['front']), { accesstoken: token })
  t.equal(res.statusCode, 401)
  t.match(res.headers['x-sandbox-note'], /expired/)
})

t.test('the token endpoints answer 405 to other methods, in the vendor\'s shape', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: TOKEN_URL })
  t.equal(res.statusCode, 405)
  t.same(json(res), { status: '405', status_message: 'Method Not Allowed' })
})
