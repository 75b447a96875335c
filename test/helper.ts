/**
 * build(t): an app with an in-memory database (or a file), a fixed virtual clock, scenario files from
 * ./scenarios (or a test directory), no file watching, and every response checked against its
 * documented schema, in the state of a new one. Requests go through app.inject.
 */
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify'
import tap from 'tap'
import { buildApp, configFrom, newParseCache } from '../src/app.js'

/** 2026-01-15T09:00:00Z: the real-time base of the virtual clock in tests. */
export const T0 = Date.parse('2026-01-15T09:00:00.000Z')

export interface BuildTestOptions {
  argv?: string[]
  settings?: unknown
  scenarios?: string
  db?: string
  clockBase?: () => number
  /** A new app of its own even where a kept one would do (a test that closes its app, say). */
  fresh?: boolean
  /** Fastify's logger (default none): an app with one is always a new app of its own. */
  logger?: FastifyServerOptions['logger']
}

interface Teardown { teardown: (fn: () => unknown) => void }

/** Scenario files parsed once per test process, whatever number of apps the file builds. */
const parseCache = newParseCache()

async function newApp (opts: BuildTestOptions): Promise<FastifyInstance> {
  const config = configFrom(['--db', opts.db ?? ':memory:', '--scenarios', opts.scenarios ?? 'scenarios', '--log-level', 'silent', ...(opts.argv ?? [])], opts.settings ?? {})
  return await buildApp(config, { logger: opts.logger ?? false, clockBase: opts.clockBase ?? (() => T0), watchScenarios: false, checkResponses: true, parseCache })
}

/**
 * Apps with an in-memory database and the fixed clock are kept for the next test of the process that
 * asks for the same options, with all their state dropped in between (core's reset of every namespace):
 * building an app is most of what a test costs. One that was made to listen is not reused.
 */
const shared = new Map<string, FastifyInstance>()
/** Close an app the tests are done with: connections its clients keep alive (fetch keeps them 4 s) are cut. */
async function done (app: FastifyInstance): Promise<void> {
  const closed = app.close()
  if (app.server.listening) app.server.closeAllConnections()
  await closed
}
tap.teardown(async () => { await Promise.all([...shared.values()].map(done)) })

async function sharedApp (key: string, opts: BuildTestOptions): Promise<FastifyInstance> {
  const app = shared.get(key)
  if (app !== undefined && !app.server.listening) {
    await app.core.outbound.settle()
    app.core.reset(undefined)
    return app
  }
  if (app !== undefined) await done(app)
  const fresh = await newApp(opts)
  shared.set(key, fresh)
  return fresh
}

export async function build (t: Teardown, opts: BuildTestOptions = {}): Promise<FastifyInstance> {
  if (opts.db === undefined && opts.clockBase === undefined && opts.logger === undefined && opts.fresh !== true) {
    return await sharedApp(JSON.stringify([opts.argv, opts.settings, opts.scenarios]), opts)
  }
  const app = await newApp(opts)
  t.teardown(async () => { await done(app) })
  return app
}

/** The parsed JSON body of a response. */
export function json<T = any> (res: LightMyRequestResponse): T {
  return JSON.parse(res.payload) as T
}

/** A multipart/form-data body from text fields and files; `headers` are added to the request's. */
export function multipart (parts: Array<{ name: string, value: string | Buffer, filename?: string, contentType?: string }>, headers: Record<string, string> = {}): { payload: Buffer, headers: Record<string, string> } {
  const boundary = '----sandbox-test-boundary-7MA4YWxkTrZu0gW'
  const chunks: Buffer[] = []
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`
    if (p.filename !== undefined) head += `; filename="${p.filename}"`
    head += '\r\n'
    if (p.contentType !== undefined) head += `Content-Type: ${p.contentType}\r\n`
    chunks.push(Buffer.from(head + '\r\n'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export type Inject = (opts: InjectOptions) => Promise<LightMyRequestResponse>
