/**
 * Hostile and careless clients (issue "Keep answering"): malformed multipart, bodies to unknown
 * paths, slow bodies, preflights with bodies. Every one gets the vendor's answer, at once, and the
 * sandbox keeps answering. Timings are measured by bench/fuzz.ts, never asserted here.
 */
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import { build, json, multipart } from '../helper.js'

const KEY = { 'x-api-key': 'k' }

/** Send raw bytes over a socket; resolve with everything the server answered once it closes the connection. */
async function rawExchange (port: number, chunks: Array<Buffer | string>, gapMs = 0): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    socket.on('data', (d) => { out += d.toString('latin1') })
    socket.on('close', () => { resolve(out) })
    socket.on('error', reject)
    const write = (i: number): void => {
      if (i >= chunks.length || socket.destroyed) return
      socket.write(chunks[i] as Buffer | string)
      setTimeout(() => { write(i + 1) }, gapMs)
    }
    write(0)
  })
}

t.test('a multipart part that is not Content-Disposition: form-data, over 16 KB, gets 004 at once', async (t) => {
  const app = await build(t)
  const boundary = 'b0undary'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: attachment; name="image"\r\n\r\n`),
    Buffer.alloc(40_000, 65),
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...KEY, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  t.equal(res.statusCode, 400)
  t.equal(json(res).error_code, '004')
  t.match(res.headers['x-sandbox-note'], /Content-Disposition: form-data/)
})

t.test('a multipart part whose header block is larger than 16 KB is malformed: 004', async (t) => {
  const app = await build(t)
  const boundary = 'b0undary'
  const payload = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\nxyz\r\n--${boundary}--\r\n`)
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...KEY, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  t.equal(json(res).error_code, '004')
})

t.test('file content that merely contains header-like text is not mistaken for a part header', async (t) => {
  const app = await build(t)
  const { photo } = await import('../images.js')
  const img = Buffer.concat([await photo(), Buffer.from('\r\nContent-Disposition: attachment\r\n\r\n')])
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/', ...multipart([{ name: 'image', value: img, filename: 'a.jpg' }], KEY) })
  t.equal(res.statusCode, 200, 'a JPEG with trailing bytes still decodes')
})

t.test("an unknown path under a vendor prefix gets the vendor's not-found whatever the body", async (t) => {
  const app = await build(t)
  const big = await app.inject({ method: 'POST', url: '/gtriip/compare/', headers: { 'content-type': 'application/json' }, payload: Buffer.alloc(1024 * 1024, 32) })
  t.equal(big.statusCode, 404, 'a 1 MB body: 404, not 413')
  t.equal(json(big).error_code, '004')
  const empty = await app.inject({ method: 'POST', url: '/gtriip/nowhere', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(empty.statusCode, 404, 'an empty JSON body: 404, not a parser error')
  const truncated = await app.inject({ method: 'PUT', url: '/gtriip/liveness/', headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  t.equal(truncated.statusCode, 405, 'a known path with another method, whatever its body')
})

t.test('a CORS preflight with a body is still the preflight: 204', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: '/gtriip/liveness/', headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' }, payload: '{"a":1}' })
  t.equal(res.statusCode, 204)
  t.match(res.headers['access-control-allow-headers'], /x-sandbox-scenario/)
})

t.test('a body slower than http.body_timeout_ms gets the vendor answer and the connection is closed', async (t) => {
  const app = await build(t, { settings: { http: { body_timeout_ms: 300 } } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const body = '{"image_bytes":"' + 'A'.repeat(40) + '"}'
  const head = `POST /gtriip/liveness/ HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
  // One byte every 50 ms: the 57-byte body would take ~3 s.
  const answer = await rawExchange(port, [head, ...body.split('')], 50)
  t.match(answer, /^HTTP\/1\.1 400 /)
  t.match(answer, /"error_code":"004"/)
  t.match(answer, /x-sandbox-note: the body did not arrive within 300 ms/)
  t.match(answer, /\r\nconnection: close\r\n/i, 'answered at the timeout, not after the rest of the body')
})

t.test('a multipart body slower than http.body_timeout_ms gets 004 and the connection is closed', async (t) => {
  const app = await build(t, { settings: { http: { body_timeout_ms: 300 } } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const body = '--bb\r\nContent-Disposition: form-data; name="image_bytes"\r\n\r\n' + 'A'.repeat(40) + '\r\n--bb--\r\n'
  const head = `POST /gtriip/liveness/ HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nContent-Type: multipart/form-data; boundary=bb\r\nContent-Length: ${body.length}\r\n\r\n`
  const answer = await rawExchange(port, [head, body.slice(0, 70), ...body.slice(70).split('')], 50)
  t.match(answer, /^HTTP\/1\.1 400 /)
  t.match(answer, /"error_code":"004"/)
  t.match(answer, /\r\nconnection: close\r\n/i, 'answered at the timeout, not after the rest of the body')
})

t.test("what HTTP itself refuses gets the vendor's malformed-request answer, never Fastify's shape", async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const brew = await rawExchange(port, ['BREW /gtriip/liveness/ HTTP/1.1\r\nHost: x\r\n\r\n'])
  t.match(brew, /^HTTP\/1\.1 400 /)
  t.match(brew, /"error_code":"004"/, 'an unknown method under the Gtriip prefix: its 004')
  t.notMatch(brew, /"statusCode"/)
  const lying = await rawExchange(port, ['POST /gtriip/liveness/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'])
  t.match(lying, /"error_code":"004"/, 'two Content-Length headers')
  const nowhere = await rawExchange(port, ['GET /nowhere HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'])
  t.match(nowhere, /^HTTP\/1\.1 400 /)
  t.match(nowhere, /x-sandbox-error: bad-http-request/, "outside any vendor: the sandbox's own error")
  const big = await rawExchange(port, [`GET /gtriip/liveness/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`])
  t.match(big, /"error_code":"004"/, 'headers over the size limit')
})

t.test("a URL that cannot be decoded, under a vendor's prefix, gets the vendor's not-found", async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/%' })
  t.equal(res.statusCode, 404)
  t.equal(json(res).error_code, '004')
  t.notOk('statusCode' in json(res))
})

t.test('a body refused unread (over the route limit) is drained, then answered: the client reads the answer', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const body = JSON.stringify({ client_id: 's'.repeat(4_000_000) })
  const head = `POST /riset/oauth/token/revoke HTTP/1.1\r\nHost: x\r\naccesstoken: abc\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
  for (let i = 0; i < 3; i++) {
    const answer = await rawExchange(port, [head, body])
    t.match(answer, /^HTTP\/1\.1 400 /, `attempt ${i + 1}: the answer arrives`)
    t.match(answer, /"status":"400"/)
  }
})

t.test('a client that goes away mid-body is not a failure of the sandbox: nothing logged above debug, and it keeps serving', async (t) => {
  const lines: Array<{ level: number, msg: string }> = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const app = await build(t, { logger: { level: 'debug', stream } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const starts: Array<[string, string, string]> = [
    ['/gtriip/liveness/', 'application/json', '{"image_bytes":"AAAA'],
    ['/gtriip/liveness/', 'multipart/form-data; boundary=bb', '--bb\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nAAAA'],
    ['/oz/v1/face/pattern/extract', 'image/jpeg', '\xff\xd8\xff']
  ]
  for (const [path, type, start] of starts) {
    const socket = connect(port, '127.0.0.1')
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nContent-Type: ${type}\r\nContent-Length: 100000\r\n\r\n${start}`)
    await new Promise((resolve) => { socket.once('data', resolve).setTimeout(100, () => { resolve(undefined) }) })
    socket.destroy()
  }
  // Every connection seen closed by the server before looking at the log.
  await new Promise<void>((resolve) => {
    const check = (): void => { app.server.getConnections((_err, n) => { if (n === 0) resolve(); else setTimeout(check, 10) }) }
    check()
  })
  t.same(lines.filter((l) => l.level > 20 && !/listening/.test(l.msg)).map((l) => l.msg), [], 'no info, warning or error line about it')
  t.equal((await app.inject({ method: 'GET', url: '/__admin/health' })).statusCode, 200)
})
