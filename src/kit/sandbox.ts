/**
 * startSandbox: the sandbox in the calling process, for a test suite (CONTRACT.md, "Test kit").
 * Defaults suit a test run: a free port on 127.0.0.1, an in-memory database, no logs, the scenarios
 * shipped with the package. Each call builds its own app, database and clocks, so instances share
 * nothing. The server modules load on the first call only: importing the package for SandboxClient
 * alone stays light.
 */
import { existsSync } from 'node:fs'
import { SandboxClient } from './client.js'
import { checkNamespace, checkVendor, uniqueNamespace, VENDOR_IDS, type VendorId } from './names.js'
import type { ServerModule } from './server.js'
import type { LogLevel, Sandbox, SandboxOptions } from './types.js'

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

type Check = (v: unknown) => string | undefined

const isText = (v: unknown): boolean => typeof v === 'string' && v !== ''
const intIn = (min: number, max: number, what: string): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `expected ${what}`

/** One check per option: the problem, or undefined when the value is good. */
const CHECKS: Record<keyof SandboxOptions, Check> = {
  port: intIn(0, 65535, 'an integer 0-65535 (0: a free port)'),
  host: (v) => isText(v) ? undefined : 'expected a host name or address, e.g. "127.0.0.1"',
  db: (v) => isText(v) ? undefined : 'expected a file path or ":memory:"',
  seed: intIn(0, 2 ** 31 - 1, `an integer 0-${2 ** 31 - 1}`),
  vendor: (v) => (VENDOR_IDS as readonly unknown[]).includes(v) ? undefined : `expected one of ${VENDOR_IDS.join(', ')}`,
  scenarios: (v) => isText(v) ? undefined : 'expected a directory path',
  apiKeys: (v) => Array.isArray(v) && v.length > 0 && v.every(isText) ? undefined : 'expected a non-empty array of non-empty strings',
  adminToken: (v) => isText(v) ? undefined : 'expected a non-empty string',
  config: (v) => isText(v) || (v !== null && typeof v === 'object' && !Array.isArray(v)) ? undefined : 'expected a settings file path or a settings object',
  logLevel: (v) => (LOG_LEVELS as readonly unknown[]).includes(v) ? undefined : `expected one of ${LOG_LEVELS.join(', ')}`,
  tlsCert: (v) => isText(v) ? undefined : 'expected PEM text or a PEM file path',
  tlsKey: (v) => isText(v) ? undefined : 'expected PEM text or a PEM file path',
  shutdownGrace: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3600 ? undefined : 'expected seconds, 0-3600'
}

function checkOptions (options: unknown): SandboxOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('startSandbox(options): expected an object')
  const given = options as Record<string, unknown>
  for (const [key, value] of Object.entries(given)) {
    if (!(key in CHECKS)) throw new TypeError(`startSandbox: unknown option "${key}" (options: ${Object.keys(CHECKS).join(', ')})`)
    if (value === undefined) continue
    const problem = CHECKS[key as keyof SandboxOptions](value)
    if (problem !== undefined) throw new TypeError(`startSandbox: option ${key}: ${problem}, got ${JSON.stringify(value)?.slice(0, 80)}`)
  }
  if ((given.tlsCert === undefined) !== (given.tlsKey === undefined)) {
    throw new TypeError(`startSandbox: option ${given.tlsCert === undefined ? 'tlsKey needs tlsCert' : 'tlsCert needs tlsKey'} too`)
  }
  return given as SandboxOptions
}

const OPTION_OF: Record<string, string> = { db: 'db', port: 'port', host: 'host', scenarios: 'scenarios', 'tls-cert': 'tlsCert', 'tls-key': 'tlsKey' }

class RunningSandbox implements Sandbox {
  readonly url: string
  readonly port: number

  constructor (
    started: { url: string, port: number, close: () => Promise<void> },
    private readonly vendor: string | undefined,
    private readonly adminToken: string | undefined,
    private readonly ca: string | undefined
  ) {
    this.url = started.url
    this.port = started.port
    this.close = started.close
  }

  readonly close: () => Promise<void>

  vendorUrl (id: VendorId): string {
    checkVendor(id, 'vendorUrl(id)')
    if (this.vendor === undefined) return `${this.url}/${id}`
    if (id === this.vendor) return this.url
    throw new Error(`vendorUrl(${JSON.stringify(id)}): this sandbox serves only ${this.vendor} (option vendor)`)
  }

  client (namespace?: string): SandboxClient {
    const ns = namespace === undefined ? uniqueNamespace() : checkNamespace(namespace, 'client(namespace)')
    return new SandboxClient({
      url: this.url,
      namespace: ns,
      ...(this.adminToken === undefined ? {} : { adminToken: this.adminToken }),
      ...(this.ca === undefined ? {} : { ca: this.ca })
    })
  }
}

/**
 * The server's modules: from the built package, its bundle (dist/bundle/kit-server.js) when the
 * build made one; from the sources (tsx) or a dist/ without it, the modules themselves.
 */
async function loadServer (): Promise<ServerModule> {
  const bundled = new URL('../bundle/kit-server.js', import.meta.url)
  if (import.meta.url.endsWith('.js') && existsSync(bundled)) return await import(bundled.href) as ServerModule
  return await import('./server.js')
}

/** Runs the sandbox in this process; resolves once it answers. A bad option rejects with an error naming it. */
export async function startSandbox (options?: SandboxOptions): Promise<Sandbox> {
  const o = checkOptions(options)
  const { start, SHIPPED_SCENARIOS, vendorSettingsSchemas, ScenarioFileError, ...config } = await loadServer()
  const name = (s: string): string => `option ${OPTION_OF[s] ?? s}`
  try {
    const raw = typeof o.config === 'string' ? config.readSettingsFile(o.config) : o.config ?? {}
    const settings = config.parseSettings(raw, vendorSettingsSchemas(), typeof o.config === 'string' ? `settings file ${o.config}` : 'option config')
    const flags = {
      port: o.port ?? 0,
      host: o.host ?? '127.0.0.1',
      db: o.db ?? ':memory:',
      scenarios: o.scenarios ?? SHIPPED_SCENARIOS,
      seed: o.seed ?? 0,
      vendor: o.vendor,
      apiKeys: o.apiKeys,
      adminToken: o.adminToken,
      tlsCert: o.tlsCert,
      tlsKey: o.tlsKey,
      config: typeof o.config === 'string' ? o.config : undefined,
      logLevel: o.logLevel ?? 'silent',
      shutdownGrace: o.shutdownGrace ?? 1
    }
    // A test run loads the scenario files once; watching them (a watcher per file) only when asked for.
    const watchScenarios = (raw as { scenarios?: { watch?: unknown } } | null)?.scenarios?.watch === true
    const started = await start({ ...flags, settings }, { name, watchScenarios })
    return new RunningSandbox(started, o.vendor, o.adminToken, started.certificate)
  } catch (err) {
    if (err instanceof config.ConfigError || err instanceof ScenarioFileError) throw new Error(`startSandbox: ${err.message}`, { cause: err })
    throw err
  }
}
