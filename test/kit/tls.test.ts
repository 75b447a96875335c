/**
 * HTTPS (issue 14, point 6): `npm run cert` makes a local CA and a server certificate; the sandbox
 * serves HTTPS with it on the same port; a real TLS client that trusts only that CA connects by
 * 127.0.0.1 and by localhost (no rejectUnauthorized: false anywhere), and the kit's own client too.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import { join } from 'node:path'
import t from 'tap'
import { makeCertificates } from '../../scripts/cert.js'
import { SandboxClient, startSandbox } from '../../src/kit/index.js'

function get (url: string, ca: string | undefined): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ...(ca === undefined ? {} : { ca }), agent: false }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += String(c) })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    }).on('error', reject)
  })
}

t.test('the certificate: for localhost, 127.0.0.1, ::1, 10.0.2.2 and the chosen host, serverAuth, at most 825 days', async (t) => {
  const dir = t.testdir({})
  const files = makeCertificates(dir, ['mybox.local', '192.168.1.20'])
  t.equal(files.created, true)
  const text = execFileSync('openssl', ['x509', '-in', files.cert, '-noout', '-text'], { encoding: 'utf8' })
  t.match(text, /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10\.0\.2\.2, DNS:mybox\.local, IP Address:192\.168\.1\.20/)
  t.match(text, /TLS Web Server Authentication/)
  t.match(text, /CA:FALSE/)
  const days = (Date.parse(/Not After : (.*)/.exec(text)?.[1] ?? '') - Date.parse(/Not Before: (.*)/.exec(text)?.[1] ?? '')) / 86_400_000
  t.ok(days <= 825, `${days} days`)
  t.equal(execFileSync('openssl', ['verify', '-CAfile', files.ca, files.cert], { encoding: 'utf8' }).trim(), `${files.cert}: OK`)
  t.equal((readFileSync(files.cert, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'cert.pem is the server certificate followed by the CA')
  const ca = readFileSync(files.ca, 'utf8')
  t.equal(makeCertificates(dir, ['other.local']).created, false, 'the CA is kept: a device that trusts it keeps trusting')
  t.equal(readFileSync(files.ca, 'utf8'), ca)
  t.throws(() => makeCertificates(dir, ['bad host']), { message: /--host "bad host": expected a host name or an IP address/ })
})

t.test('startSandbox serves HTTPS; a client trusting only the generated CA connects, by address and by name', async (t) => {
  const dir = t.testdir({})
  const files = makeCertificates(dir)
  const sandbox = await startSandbox({ tlsCert: files.cert, tlsKey: files.key })
  t.teardown(() => sandbox.close())
  t.match(sandbox.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  const ca = readFileSync(files.ca, 'utf8')
  t.match(await get(`${sandbox.url}/__admin/health`, ca), { status: 200, body: /"status":"ok"/ })
  t.match(await get(`https://localhost:${sandbox.port}/__admin/health`, ca), { status: 200 })
  await t.rejects(get(`${sandbox.url}/__admin/health`, undefined), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'untrusted without the CA')
  t.match(await sandbox.client().health(), { status: 'ok' }, 'the sandbox\'s own client trusts the chain it serves')
  const kit = new SandboxClient({ url: sandbox.url, ca, namespace: 'phone' })
  t.equal((await kit.advanceClock(1)).offset_ms, 1000)
  const init = await new Promise<number>((resolve, reject) => {
    const req = https.request(`${sandbox.vendorUrl('fpt')}/session/init`, { method: 'POST', ca, agent: false, headers: { 'api-key': 'k', 'device-type': 'ios', ...kit.headers() } }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    req.end()
  })
  t.equal(init, 200)
  t.equal((await kit.waitForRequest({ operation: 'fpt.session_init' })).request.headers['device-type'], 'ios')
})

t.test('PEM text works as well as file paths', async (t) => {
  const files = makeCertificates(join(t.testdir({}), 'tls'))
  const sandbox = await startSandbox({ tlsCert: readFileSync(files.cert, 'utf8'), tlsKey: readFileSync(files.key, 'utf8') })
  t.teardown(() => sandbox.close())
  t.match(await get(`${sandbox.url}/__admin/health`, readFileSync(files.ca, 'utf8')), { status: 200 })
})
