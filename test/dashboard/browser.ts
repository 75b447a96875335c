/**
 * Helpers for the dashboard's browser tests and screenshots: build the page, start a sandbox on
 * 127.0.0.1 (port 0, in-memory database, the virtual clock's real-time base fixed at T0 so times
 * are exact), and drive Debian's headless Chromium through playwright-core.
 */
import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser } from 'playwright-core'
import { buildApp, configFrom } from '../../src/app.js'
import { buildDashboard } from '../../scripts/build-dashboard.js'
import { T0 } from '../helper.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The flags CI and these tests run Chromium with: headless, no sandbox (containers), no network of its own. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

export async function launch (): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`)
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}

let built: Promise<unknown> | undefined

/** Build dist/dashboard once per process (the server serves it from there). */
export async function ensureBuilt (): Promise<void> {
  built ??= buildDashboard()
  await built
}

export interface Sandbox { app: FastifyInstance, url: string, close: () => Promise<void> }

export async function startSandbox (argv: string[] = []): Promise<Sandbox> {
  await ensureBuilt()
  const config = configFrom(['--db', ':memory:', '--scenarios', 'scenarios', '--log-level', 'silent', ...argv])
  const app = await buildApp(config, { logger: false, clockBase: () => T0, watchScenarios: false })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url, close: async () => { await app.close() } }
}

/** An admin call in a namespace, as a test checks what the page did. */
export async function admin<T = any> (base: string, method: string, path: string, ns: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'x-sandbox-namespace': ns }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${base}/__admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return await res.json() as T
}

/** POST /fpt/session/init in a namespace; returns the session id. */
export async function fptSession (base: string, ns: string): Promise<string> {
  const res = await fetch(`${base}/fpt/session/init`, { method: 'POST', headers: { 'api-key': 'k', client_uuid: 'u-1', 'device-type': 'api', 'x-sandbox-namespace': ns } })
  return ((await res.json()) as Record<string, string>)['session-id'] as string
}
