/**
 * The servers under benchmark, in their own process (so the load generator does not share their
 * event loop): a bare Fastify route that answers fixed bytes, and the sandbox with an in-memory
 * database. Reports its ports to the parent over IPC.
 */
import Fastify from 'fastify'
import { buildApp, configFrom } from '../src/app.js'

const bareBody = process.env.BENCH_BARE_BODY ?? '{}'

const bare = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 })
// Reads whatever body comes (as bytes, without parsing) and answers the same bytes every time.
bare.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
bare.post('/bare', async (_request, reply) => reply.type('application/json; charset=utf-8').send(bareBody))
bare.get('/bare', async (_request, reply) => reply.type('application/json; charset=utf-8').send(bareBody))

const sandbox = await buildApp(configFrom(['--db', ':memory:', '--log-level', 'silent']), { logger: false, watchScenarios: false })

const barePort = new URL(await bare.listen({ port: 0, host: '127.0.0.1' })).port
const sandboxPort = new URL(await sandbox.listen({ port: 0, host: '127.0.0.1' })).port
process.send?.({ barePort: Number(barePort), sandboxPort: Number(sandboxPort) })
process.on('message', (m) => {
  if (m === 'stop') Promise.all([bare.close(), sandbox.close()]).then(() => process.exit(0), () => process.exit(1))
})
