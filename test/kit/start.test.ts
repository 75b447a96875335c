/**
 * The start path shared by the command and startSandbox (src/kit/start.ts), in-process and on real
 * loopback sockets: the checks an operator can act on (--db, port, certificate), and close():
 * requests in flight finish, keep-alive connections do not hold the shutdown, the grace period
 * bounds it, the database is closed, and a second call is the same close.
 */
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { configFrom } from '../../src/app.js'
import { ConfigError } from '../../src/core/config.js'
import { checkDatabase, start, tlsOf } from '../../src/kit/start.js'
import { makeCertificates } from '../../scripts/cert.js'
import { heldRequest } from './command.js'

const quiet = ['--port', '0', '--db', ':memory:', '--scenarios', 'scenarios', '--log-level', 'silent']

t.test('checkDatabase says what is wrong with a --db path, in one line naming the setting', async (t) => {
  const dir = t.testdir({ 'notes.db': 'these are notes, not a database', 'empty.db': '', data: {} })
  writeFileSync(join(dir, 'short.db'), 'SQLite')
  t.throws(() => checkDatabase(join(dir, 'data')), new ConfigError(`--db ${join(dir, 'data')}: is a directory (give a file in it, e.g. ${join(dir, 'data', 'sandbox.db')})`))
  t.throws(() => checkDatabase(join(dir, 'notes.db')), new ConfigError(`--db ${join(dir, 'notes.db')}: is not a SQLite database`))
  t.throws(() => checkDatabase(join(dir, 'short.db')), new ConfigError(`--db ${join(dir, 'short.db')}: is not a SQLite database`))
  t.throws(() => checkDatabase(join(dir, 'notes.db', 'x.db')), new ConfigError(`--db ${join(dir, 'notes.db', 'x.db')}: cannot be read (ENOTDIR)`))
  t.throws(() => checkDatabase(join(dir, 'data'), (s) => `option ${s}`), { message: /^option db /, name: 'ConfigError' })
  t.doesNotThrow(() => checkDatabase(join(dir, 'empty.db')), 'an empty file is a new database to SQLite')
  t.doesNotThrow(() => checkDatabase(join(dir, 'new', 'deeper', 'sandbox.db')), 'missing directories are created')
  t.doesNotThrow(() => checkDatabase(':memory:'))
})

t.test('a file with a SQLite header but damaged content: SQLite\'s refusal, in one line naming --db', async (t) => {
  const dir = t.testdir({})
  const file = join(dir, 'damaged.db')
  writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(200, 7)]))
  await t.rejects(start(configFrom([...quiet, '--db', file])), new ConfigError(`--db ${file}: is not a SQLite database`))
})

t.test('a port in use: one line naming the port and the flag (or the kit option)', async (t) => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const port = String((taken.address() as net.AddressInfo).port)
  await t.rejects(start(configFrom([...quiet, '--port', port])), new ConfigError(`port ${port} is already in use (--port)`))
  await t.rejects(start(configFrom([...quiet, '--port', port]), { name: (s) => `option ${s}` }), new ConfigError(`port ${port} is already in use (option port)`))
})

t.test('certificates: unreadable, not PEM, or a key of another certificate, each said in one line', async (t) => {
  const dir = t.testdir({ 'junk.pem': 'junk', a: {}, b: {} })
  const a = makeCertificates(join(dir, 'a'))
  const b = makeCertificates(join(dir, 'b'))
  t.throws(() => tlsOf({ tlsCert: join(dir, 'missing.pem'), tlsKey: a.key }), new ConfigError(`--tls-cert ${join(dir, 'missing.pem')}: cannot be read (ENOENT)`))
  t.throws(() => tlsOf({ tlsCert: a.cert, tlsKey: join(dir, 'junk.pem') }), new ConfigError(`--tls-key ${join(dir, 'junk.pem')}: not a PEM private key (-----BEGIN ... PRIVATE KEY-----)`))
  t.throws(() => tlsOf({ tlsCert: a.cert, tlsKey: b.key }), new ConfigError('--tls-cert and --tls-key: the key does not belong to the certificate'))
  t.throws(() => tlsOf({ tlsCert: 'junk -----BEGIN X', tlsKey: a.key }), new ConfigError('--tls-cert (PEM text): not a PEM certificate (-----BEGIN CERTIFICATE-----)'))
  t.match(tlsOf({ tlsCert: a.cert, tlsKey: a.key }), { cert: /-----BEGIN CERTIFICATE-----/, key: /PRIVATE KEY/ })
  t.equal(tlsOf({ tlsCert: undefined, tlsKey: undefined }), undefined)
})

/** POST on a keep-alive connection, with the answer's status and Connection header. */
function keepAliveCall (agent: http.Agent, url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/__admin/clock/advance`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${res.headers.connection ?? ''}`))
    })
    req.on('error', (err) => resolve(`error ${err.message}`))
    req.end('{"seconds":1}')
  })
}

t.test('close(): the request in flight finishes (Connection: close), then the database closes; new connections are refused', async (t) => {
  const s = await start(configFrom([...quiet, '--shutdown-grace', '60']))
  const agent = new http.Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  t.equal(await keepAliveCall(agent, s.url), '200 keep-alive', 'an idle keep-alive connection is open')
  const held = heldRequest(s.url)
  await held.accepted
  t.equal(s.inFlight(), 1)
  const closed = s.close()
  t.equal(s.close(), s.close(), 'close() twice: the same close')
  const refused = await new Promise<string>((resolve) => {
    http.get(`${s.url}/__admin/health`, { agent: false }, (res) => resolve(String(res.statusCode))).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })
  t.match(refused, /^(ECONNREFUSED|ECONNRESET)$/, 'no new connection is served')
  t.equal(s.app.core.db.open, true, 'the database waits for the request in flight')
  held.finish()
  t.match(await held.answer, /^200 /)
  await closed
  t.equal(s.app.core.db.open, false, 'closed once the request was answered, long before the 60 s grace period')
  t.equal(s.inFlight(), 0)
})

t.test('close(): past the grace period the connections still busy are cut', async (t) => {
  const s = await start(configFrom([...quiet, '--shutdown-grace', '0.1']))
  const held = heldRequest(s.url)
  await held.accepted
  await s.close()
  t.match(await held.answer, /^error /)
  t.equal(s.app.core.db.open, false)
})
