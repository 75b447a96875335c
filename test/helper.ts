/**
 * build(t): a fresh app per test, in-memory database, a fixed virtual clock, scenario files from
 * ./scenarios (or a test directory), no file watching, and every response checked against its
 * documented schema. Closed on teardown. Requests go through app.inject; no port is opened.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, configFrom, newParseCache } from '../src/app.js'

/** 2026-01-15T09:00:00Z: the real-time base of the virtual clock in tests. */
export const T0 = Date.parse('2026-01-15T09:00:00.000Z')

export interface BuildTestOptions {
  argv?: string[]
  settings?: unknown
  scenarios?: string
  db?: string
  clockBase?: () => number
}

interface Teardown { teardown: (fn: () => unknown) => void }

/** Scenario files parsed once per test process, whatever number of apps the file builds. */
const parseCache = newParseCache()

export async function build (t: Teardown, opts: BuildTestOptions = {}): Promise<FastifyInstance> {
  const config = configFrom(['--db', opts.db ?? ':memory:', '--scenarios', opts.scenarios ?? 'scenarios', '--log-level', 'silent', ...(opts.argv ?? [])], opts.settings ?? {})
  const app = await buildApp(config, { logger: false, clockBase: opts.clockBase ?? (() => T0), watchScenarios: false, checkResponses: true, parseCache })
  t.teardown(() => app.close())
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
