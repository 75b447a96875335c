/**
 * Start and stop the sandbox: the one path shared by the command (src/server.ts) and startSandbox.
 * config → checks an operator can act on → buildApp → listen; close = stop accepting, let requests
 * in flight finish up to the grace period, cut what remains, then app.close() (journal written,
 * database closed, watchers and timers gone).
 *
 * What an operator gets wrong at start (a --db that cannot be used, a port in use, an unreadable
 * certificate) is a ConfigError with one line naming the setting and the reason; the command prints
 * it and exits with code 2, startSandbox rejects with it.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { createSecureContext } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildOptions } from '../app.js'
import { ConfigError, type Config } from '../core/config.js'
import { SHIPPED_SCENARIOS } from '../core/package.js'

/** The settings a start-up message may name. */
export type Setting = 'db' | 'port' | 'host' | 'scenarios' | 'tls-cert' | 'tls-key'

export interface StartOptions extends Omit<BuildOptions, 'https'> {
  /** How a setting is named in messages: `--db` for the command (the default), `option db` for the kit. */
  name?: (setting: Setting) => string
}

export interface Started {
  app: FastifyInstance
  /** As a client on this machine reaches it: `http(s)://127.0.0.1:<port>` when bound to every interface. */
  url: string
  port: number
  /** The PEM certificate (chain) served, with TLS. */
  certificate: string | undefined
  /** Requests received and not yet answered. */
  inFlight: () => number
  /** Stop gracefully (see the file comment); the same promise when called again. */
  close: () => Promise<void>
}

const DEFAULT_SCENARIOS = './scenarios'

const flagName = (s: Setting): string => `--${s}`

function isDirectory (path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The default ./scenarios when it exists (a clone), else the shipped ones (the installed command); a given directory must exist. */
export function scenariosDir (dir: string, name: (s: Setting) => string = flagName): string {
  if (isDirectory(dir)) return dir
  if (dir === DEFAULT_SCENARIOS) return SHIPPED_SCENARIOS
  throw new ConfigError(`${name('scenarios')} ${dir}: no such directory`)
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

function errno (err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message
}

function readHeader (file: string, size: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(Math.min(size, 16))
    readSync(fd, buf, 0, buf.length, 0)
    return buf
  } finally {
    closeSync(fd)
  }
}

/**
 * What SQLite would refuse, said plainly before it opens the file: a directory, a file that is not a
 * database, a read-only file, a directory that cannot be created or written (WAL writes -wal and -shm
 * files next to the database). A user running as root passes the permission checks, as SQLite does.
 */
export function checkDatabase (file: string, name: (s: Setting) => string = flagName): void {
  if (file === ':memory:' || file.startsWith('file:')) return
  const where = `${name('db')} ${file}`
  let st
  try {
    st = statSync(file)
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw new ConfigError(`${where}: cannot be read (${errno(err)})`)
  }
  if (st?.isDirectory() === true) throw new ConfigError(`${where}: is a directory (give a file in it, e.g. ${join(file, 'sandbox.db')})`)
  if (st !== undefined) {
    if (!st.isFile()) throw new ConfigError(`${where}: is not a regular file`)
    let header: Buffer
    try {
      header = readHeader(file, st.size)
    } catch (err) {
      throw new ConfigError(`${where}: cannot be read (${errno(err)})`)
    }
    if (st.size > 0 && !header.equals(SQLITE_HEADER)) throw new ConfigError(`${where}: is not a SQLite database`)
    try {
      accessSync(file, constants.W_OK)
    } catch {
      throw new ConfigError(`${where}: is read-only (the sandbox keeps its state there; use a writable file or :memory:)`)
    }
  }
  const dir = dirname(file)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (err) {
    throw new ConfigError(`${where}: cannot create the directory ${dir} (${errno(err)})`)
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
  } catch {
    throw new ConfigError(`${where}: the directory ${dir} is not writable (SQLite writes its -wal and -shm files next to the database)`)
  }
}

const SQLITE_REASONS: Record<string, string> = {
  SQLITE_NOTADB: 'is not a SQLite database',
  SQLITE_READONLY: 'is read-only (the sandbox keeps its state there; use a writable file or :memory:)',
  SQLITE_CANTOPEN: 'cannot be opened (a directory, or a directory without write permission?)',
  SQLITE_CORRUPT: 'is damaged (SQLITE_CORRUPT)',
  SQLITE_BUSY: 'is locked by another process',
  SQLITE_FULL: 'the disk is full'
}

/** What SQLite itself refused at start, should the checks above have missed it. */
function databaseProblem (err: unknown, file: string, name: (s: Setting) => string): ConfigError | undefined {
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined
  return new ConfigError(`${name('db')} ${file}: ${SQLITE_REASONS[code] ?? SQLITE_REASONS[code.split('_').slice(0, 2).join('_')] ?? `${code} (${(err as Error).message})`}`)
}

function pem (value: string, setting: Setting, name: (s: Setting) => string): { text: string, label: string } {
  if (value.includes('-----BEGIN ')) return { text: value, label: `${name(setting)} (PEM text)` }
  try {
    return { text: readFileSync(value, 'utf8'), label: `${name(setting)} ${value}` }
  } catch (err) {
    throw new ConfigError(`${name(setting)} ${value}: cannot be read (${errno(err)})`)
  }
}

/** The certificate and key, read and checked (a pair that TLS accepts), or undefined for HTTP. */
export function tlsOf (config: Pick<Config, 'tlsCert' | 'tlsKey'>, name: (s: Setting) => string = flagName): { cert: string, key: string } | undefined {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return undefined
  const cert = pem(config.tlsCert, 'tls-cert', name)
  const key = pem(config.tlsKey, 'tls-key', name)
  if (!cert.text.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`${cert.label}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`)
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.text)) throw new ConfigError(`${key.label}: not a PEM private key (-----BEGIN ... PRIVATE KEY-----)`)
  try {
    createSecureContext({ cert: cert.text, key: key.text })
  } catch (err) {
    const reason = /key values mismatch/i.test((err as Error).message) ? 'the key does not belong to the certificate' : (err as Error).message
    throw new ConfigError(`${name('tls-cert')} and ${name('tls-key')}: ${reason}`)
  }
  return { cert: cert.text, key: key.text }
}

function listenProblem (err: unknown, config: Config, name: (s: Setting) => string): ConfigError | undefined {
  switch (errno(err)) {
    case 'EADDRINUSE': return new ConfigError(`port ${config.port} is already in use (${name('port')})`)
    case 'EACCES': return new ConfigError(`port ${config.port} needs privileges this process does not have (${name('port')}; use 1024 or above)`)
    case 'EADDRNOTAVAIL': return new ConfigError(`${name('host')} ${config.host}: no such address on this machine`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return new ConfigError(`${name('host')} ${config.host}: unknown host name`)
    default: return undefined
  }
}

function urlOf (address: AddressInfo, tls: boolean): string {
  const host = address.address === '0.0.0.0' || address.address === '::'
    ? '127.0.0.1'
    : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`
}

async function build (config: Config, opts: BuildOptions, name: (s: Setting) => string): Promise<{ app: FastifyInstance, certificate: string | undefined }> {
  const https = tlsOf(config, name)
  checkDatabase(config.db, name)
  const checked = { ...config, scenarios: scenariosDir(config.scenarios, name) }
  try {
    return { app: await buildApp(checked, { ...opts, ...(https === undefined ? {} : { https }) }), certificate: https?.cert }
  } catch (err) {
    throw databaseProblem(err, config.db, name) ?? err
  }
}

/**
 * Track the requests in flight, and once closing, answer them with `Connection: close`: a keep-alive
 * connection is then closed as soon as its last answer is written, instead of holding the shutdown
 * until the grace period ends.
 */
function trackRequests (app: FastifyInstance): { count: () => number, closing: () => void } {
  const pending = new Set<ServerResponse>()
  let closing = false
  const release = (res: ServerResponse): void => {
    pending.delete(res)
    if (closing) setImmediate(() => app.server.closeIdleConnections())
  }
  app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    pending.add(res)
    if (closing) res.setHeader('connection', 'close')
    res.once('close', () => release(res))
  })
  return {
    count: () => pending.size,
    closing: () => {
      closing = true
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close')
    }
  }
}

/** Build, listen, and hand back the running sandbox; throws ConfigError for what the operator can mend. */
export async function start (config: Config, opts: StartOptions = {}): Promise<Started> {
  const name = opts.name ?? flagName
  const { name: _name, ...buildOptions } = opts
  const { app, certificate } = await build(config, buildOptions, name)
  const requests = trackRequests(app)
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app.close()
    throw listenProblem(err, config, name) ?? err
  }
  const address = app.server.address() as AddressInfo
  // Listening: now what was deferred loads (the data generators), while the first requests come in.
  setImmediate(() => { app.core.random.load().catch((err: unknown) => { app.log.error({ err }, 'the data generators did not load') }) })
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      requests.closing()
      // Past the grace period, connections still busy are cut so that close() always ends.
      const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownGrace * 1000)
      try {
        await app.close()
      } finally {
        clearTimeout(timer)
      }
    })()
    return closing
  }
  return { app, url: urlOf(address, certificate !== undefined), port: address.port, certificate, inFlight: requests.count, close }
}
