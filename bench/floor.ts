/**
 * The floor: a bare Fastify process answering the bench's requests with the answers the sandbox
 * gave (status, headers and body captured from the sandbox, held as one pre-serialized Buffer), on
 * the same paths. Request and answer bytes are the same on the wire, so sandbox req/s over floor
 * req/s is the share of the machine's HTTP throughput the sandbox keeps after its own work.
 *
 * For the image target the floor does what any implementation must: read the multipart file part
 * (@fastify/multipart) and read the JPEG's header (sharp().metadata()). It also answers
 * GET /__admin/health, for the start-up measurement.
 *
 * Usage: node floor.mjs [--port N] [--answers FILE]; prints `floor listening on <url>`.
 * bench/procs.ts transpiles this file with esbuild first, so that its start-up, like the
 * sandbox's (node dist/bundle/server.js), carries no TypeScript loader.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import multipart from '@fastify/multipart'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import sharp from 'sharp'

export interface FloorRoute {
  method: 'GET' | 'POST'
  path: string
  /** 'image-part': read the multipart file part and its JPEG header before answering. */
  reads: 'nothing' | 'image-part'
  status: number
  headers: Record<string, string>
  /** The answer's body, base64. */
  body: string
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>

function handlerOf (route: FloorRoute): Handler {
  const body = Buffer.from(route.body, 'base64')
  const send = (reply: FastifyReply): FastifyReply => reply.code(route.status).headers(route.headers).send(body)
  if (route.reads === 'nothing') return async (_request, reply) => send(reply)
  return async (request, reply) => {
    const file = await request.file()
    if (file === undefined) return await reply.code(400).send()
    await sharp(await file.toBuffer()).metadata()
    return send(reply)
  }
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, answers: { type: 'string' } } })
const routes = (values.answers === undefined ? [] : JSON.parse(readFileSync(values.answers, 'utf8'))) as FloorRoute[]
const health = Buffer.from('{"status":"ok"}')

const app = Fastify({ logger: false })
await app.register(multipart)
app.get('/__admin/health', async (_request, reply) => reply.type('application/json; charset=utf-8').send(health))
for (const route of routes) app.route({ method: route.method, url: route.path, handler: handlerOf(route) })
const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' })
process.stdout.write(`floor listening on ${address}\n`)
