/**
 * The only reader of process arguments and environment (CONTRACT.md, "Start"). One table (FLAGS)
 * is the single source of every flag: parsing (node:util parseArgs), validation (zod), `--help`,
 * and the README's flags table (scripts/settings-doc.ts writes and checks it). Flags win over
 * environment variables; a bad value is refused with a message naming the flag or the variable,
 * and the process exits with code 2 (server.ts).
 *
 * The settings file (`--config`) holds the core's own sections and one section per vendor. Core does
 * not know the vendors: their section schemas are passed in by app.ts from the registry.
 */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parseArgs } from 'node:util'
import { load as parseYaml } from 'js-yaml'
import { z } from 'zod'

/** A refused configuration: every problem found, one line each (each names its flag, variable or field). */
export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor (problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems
    super(list.join('\n'))
    this.name = 'ConfigError'
    this.problems = list
  }
}

const list = z.string().transform((s) => s.split(',').map((k) => k.trim()).filter((k) => k.length > 0))

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export interface Flags {
  port: number
  host: string
  db: string
  scenarios: string
  seed: number
  vendor: string | undefined
  apiKeys: string[] | undefined
  adminToken: string | undefined
  /** PEM file path, or the PEM text itself. */
  tlsCert: string | undefined
  tlsKey: string | undefined
  config: string | undefined
  logLevel: LogLevel
  /** Seconds that requests in flight get to finish once a shutdown starts. */
  shutdownGrace: number
}

export interface FlagSpec {
  /** `--<flag>` on the command line. */
  flag: string
  key: keyof Flags
  env: string
  /** Placeholder of the value in help and README (`N`, `PATH`). */
  value: string
  /** The default as people read it (README and --help). */
  default: string
  /** One line; backquotes mark code (kept in the README, dropped by --help). */
  meaning: string
  schema: z.ZodType
}

/** Every flag: CONTRACT.md's table, then the sandbox's own additions (log level, shutdown grace). */
export const FLAGS: readonly FlagSpec[] = [
  { flag: 'port', key: 'port', env: 'PORT', value: 'N', default: '4400', meaning: 'listening port (0: any free port)', schema: z.coerce.number().int().min(0).max(65535).default(4400) },
  { flag: 'host', key: 'host', env: 'HOST', value: 'H', default: '127.0.0.1', meaning: 'bind address (`0.0.0.0`: every interface, e.g. for phones; set `--admin-token` then)', schema: z.string().min(1).default('127.0.0.1') },
  { flag: 'db', key: 'db', env: 'SANDBOX_DB', value: 'PATH', default: '.sandbox/sandbox.db', meaning: 'SQLite file (WAL); `:memory:` for a throw-away store', schema: z.string().min(1).default('.sandbox/sandbox.db') },
  { flag: 'scenarios', key: 'scenarios', env: 'SANDBOX_SCENARIOS', value: 'DIR', default: './scenarios', meaning: 'scenario files, loaded at start and reloaded on change (when the default `./scenarios` does not exist: the shipped ones)', schema: z.string().min(1).default('./scenarios') },
  { flag: 'seed', key: 'seed', env: 'SANDBOX_SEED', value: 'N', default: '0', meaning: 'seed of all generated data', schema: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(0) },
  { flag: 'vendor', key: 'vendor', env: 'SANDBOX_VENDOR', value: 'ID', default: '(all)', meaning: 'serve only this vendor, at the root instead of under its prefix', schema: z.string().min(1).optional() },
  { flag: 'api-keys', key: 'apiKeys', env: 'SANDBOX_API_KEYS', value: 'K1,K2', default: '(any non-empty key)', meaning: 'when set, only these keys/tokens authenticate', schema: list.pipe(z.array(z.string()).min(1, 'needs at least one key')).optional() },
  { flag: 'admin-token', key: 'adminToken', env: 'SANDBOX_ADMIN_TOKEN', value: 'T', default: '(none)', meaning: 'when set, `/__admin/*` needs `Authorization: Bearer T` (health excepted)', schema: z.string().min(1).optional() },
  { flag: 'tls-cert', key: 'tlsCert', env: 'SANDBOX_TLS_CERT', value: 'FILE', default: '(none)', meaning: 'PEM certificate (chain), or the PEM text itself: serve HTTPS instead of HTTP on the same port; needs `--tls-key` (`npm run cert` makes one phones can trust)', schema: z.string().min(1).optional() },
  { flag: 'tls-key', key: 'tlsKey', env: 'SANDBOX_TLS_KEY', value: 'FILE', default: '(none)', meaning: 'PEM private key of `--tls-cert` (file, or the PEM text)', schema: z.string().min(1).optional() },
  { flag: 'config', key: 'config', env: 'SANDBOX_CONFIG', value: 'FILE', default: '(none)', meaning: 'YAML/JSON vendor settings (lifetimes, retry limits, thresholds, modes, callback allow-list); every key and default: README, "Settings"', schema: z.string().min(1).optional() },
  { flag: 'log-level', key: 'logLevel', env: 'SANDBOX_LOG_LEVEL', value: 'L', default: 'info', meaning: LOG_LEVELS.join(', '), schema: z.enum(LOG_LEVELS).default('info') },
  { flag: 'shutdown-grace', key: 'shutdownGrace', env: 'SANDBOX_SHUTDOWN_GRACE', value: 'S', default: '5', meaning: 'on SIGTERM/SIGINT, seconds that requests in flight get to finish before their connections are cut (a second signal exits at once)', schema: z.coerce.number().min(0).max(3600).default(5) }
]

function wrap (text: string, indent: string, width = 100): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) { lines.push(line); line = word } else line = line === '' ? word : `${line} ${word}`
  }
  lines.push(line)
  return lines.map((l) => indent + l).join('\n')
}

/** `--help`: every flag with its variable, default and meaning, from FLAGS. */
export function helpText (version: string): string {
  const rows = FLAGS.map((f) => `  --${f.flag} ${f.value}  (env ${f.env}; default ${f.default.replace(/^\((.*)\)$/, '$1')})\n${wrap(f.meaning.replaceAll('`', ''), '      ')}`)
  return `ekyc-sandbox ${version}: emulates five eKYC and face-biometrics vendor APIs (Weber, Gtriip,
FPT.AI, Riset.ai, Oz API Lite) on one port, for offline development, contract tests and QA.

Usage: ekyc-sandbox [flags]          (from a clone: npm start -- [flags])

Each flag can also be set by its environment variable; a flag wins.

${rows.join('\n')}
  --help, -h
      print this help and exit
  --version
      print the version and exit

The settings file's keys and defaults, the admin API and the scenarios: README.md.`
}

/** What the command line asks for before any validation: help and version win over everything. */
export function commandOf (argv: readonly string[]): 'help' | 'version' | 'run' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help'
  if (argv.includes('--version')) return 'version'
  return 'run'
}

/** parseArgs' refusal in the sandbox's words (the same for every Node version). */
function argvProblem (err: unknown): string {
  const code = (err as { code?: string }).code
  const message = (err as Error).message
  const quoted = /'(-{1,2}[^' <]*)/.exec(message)?.[1] ?? /'([^']*)'/.exec(message)?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${quoted} (see --help)`
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${quoted}" (flags start with --; see --help)`
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('ambiguous')
      ? `flag ${quoted} needs a value (a value starting with "-" is written ${quoted}=-1)`
      : `flag ${quoted} needs a value`
  }
  return message
}

/** Parse argv (without node and script) and env into validated flags; throws ConfigError with every problem. */
export function parseFlags (argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  const options = Object.fromEntries(FLAGS.map((f) => [f.flag, { type: 'string' as const }]))
  let given: Record<string, string | boolean | undefined>
  try {
    given = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } }, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new ConfigError(argvProblem(err))
  }
  const out: Record<string, unknown> = {}
  const problems: string[] = []
  for (const f of FLAGS) {
    const fromFlag = given[f.flag] as string | undefined
    if (fromFlag === '') { problems.push(`flag --${f.flag} needs a value`); continue }
    const raw = fromFlag ?? (env[f.env] === '' ? undefined : env[f.env])
    const parsed = f.schema.safeParse(raw)
    if (parsed.success) out[f.key] = parsed.data
    else {
      const source = fromFlag !== undefined ? `--${f.flag}` : `${f.env} (environment)`
      problems.push(`invalid value ${JSON.stringify(raw)} for ${source}: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
    }
  }
  if ((out.tlsCert === undefined) !== (out.tlsKey === undefined) && problems.length === 0) {
    problems.push(out.tlsCert === undefined ? '--tls-key needs --tls-cert (SANDBOX_TLS_CERT) too' : '--tls-cert needs --tls-key (SANDBOX_TLS_KEY) too')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return out as unknown as Flags
}

/** The core's own sections of the settings file, with every default (listed in README.md). */
export const CoreSettingsSchema = z.object({
  journal: z.object({
    max_per_namespace: z.number().int().min(1).max(1_000_000).default(1000)
      .describe('journal entries kept per namespace; older ones are dropped'),
    max_text_chars: z.number().int().min(256).max(10_000_000).default(65_536)
      .describe('longest text body kept verbatim in the journal'),
    max_entry_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024)
      .describe('body text one journal entry keeps (request and response together); beyond it bodies are cut and the entry is marked truncated'),
    max_total_bytes: z.number().int().min(1024 * 1024).max(4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024)
      .describe('memory the journals of all namespaces may take together; the oldest entries are dropped beyond it')
  }).strict().default({ max_per_namespace: 1000, max_text_chars: 65_536, max_entry_bytes: 256 * 1024, max_total_bytes: 64 * 1024 * 1024 }),
  images: z.object({
    max_pixels: z.number().int().min(1).max(1_000_000_000).default(64_000_000)
      .describe('largest image (width x height) decoded; larger ones are refused from their header')
  }).strict().default({ max_pixels: 64_000_000 }),
  callbacks: z.object({
    enabled: z.boolean().default(true).describe('whether the sandbox makes callbacks at all'),
    allow_hosts: z.array(z.string().min(1)).default(['127.0.0.1', 'localhost', '::1'])
      .describe('hosts a callback may go to (SSRF protection); loopback only by default'),
    timeout_ms: z.number().int().min(1).max(120_000).default(5000).describe('timeout of one callback attempt'),
    retries: z.number().int().min(0).max(10).default(2).describe('further attempts after a failed one')
  }).strict().default({ enabled: true, allow_hosts: ['127.0.0.1', 'localhost', '::1'], timeout_ms: 5000, retries: 2 }),
  http: z.object({
    body_timeout_ms: z.number().int().min(100).max(3_600_000).default(30_000)
      .describe("a request body must arrive within this time from the request's start; a slower one gets the vendor's malformed-request answer and its connection is closed"),
    headers_timeout_ms: z.number().int().min(100).max(600_000).default(20_000)
      .describe('request headers must arrive within this time; then the connection is closed (408)'),
    idle_timeout_ms: z.number().int().min(100).max(3_600_000).default(60_000)
      .describe('a connection with no traffic for this long is closed'),
    keep_alive_timeout_ms: z.number().int().min(100).max(600_000).default(5_000)
      .describe('an idle keep-alive connection between requests is closed after this long')
  }).strict().default({ body_timeout_ms: 30_000, headers_timeout_ms: 20_000, idle_timeout_ms: 60_000, keep_alive_timeout_ms: 5_000 }),
  scenarios: z.object({
    watch: z.boolean().default(true).describe('reload scenario files when they change'),
    latency_scale: z.number().min(0).max(10).default(1)
      .describe('multiplies every latency fault (0.01 makes a 2 s latency 20 ms, for fast test runs)')
  }).strict().default({ watch: true, latency_scale: 1 })
})

export type CoreSettings = z.output<typeof CoreSettingsSchema>

export interface Settings {
  core: CoreSettings
  vendors: Record<string, unknown>
}

function issueLines (err: z.ZodError, prefix: string): string[] {
  return err.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`)
}

/**
 * Validate a settings object (from the file, or {} for the defaults). `vendorSchemas` maps a vendor id
 * to its section's schema (with defaults). Every problem is reported at once, one line each naming
 * the file and the field, so that a file with several mistakes is mended in one go.
 */
export function parseSettings (raw: unknown, vendorSchemas: Record<string, z.ZodType>, source = 'settings'): Settings {
  if (raw === null || raw === undefined) raw = {}
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: expected an object at the top level`)
  const obj = raw as Record<string, unknown>
  const coreKeys = Object.keys(CoreSettingsSchema.shape)
  const problems: string[] = []
  for (const key of Object.keys(obj)) {
    if (!coreKeys.includes(key) && !(key in vendorSchemas)) {
      problems.push(`${key}: unknown section (expected one of ${[...coreKeys, ...Object.keys(vendorSchemas)].join(', ')})`)
    }
  }
  const coreRaw = Object.fromEntries(coreKeys.filter((k) => k in obj).map((k) => [k, obj[k]]))
  const core = CoreSettingsSchema.safeParse(coreRaw)
  if (!core.success) problems.push(...issueLines(core.error, ''))
  const vendors: Record<string, unknown> = {}
  for (const [id, schema] of Object.entries(vendorSchemas)) {
    const parsed = schema.safeParse(obj[id] ?? {})
    if (parsed.success) vendors[id] = parsed.data
    else problems.push(...issueLines(parsed.error, id))
  }
  if (problems.length > 0 || !core.success) throw new ConfigError(problems.map((p) => `${source}: ${p}`))
  return { core: core.data, vendors }
}

/** The settings file's content as parsed YAML/JSON, not yet checked; throws ConfigError naming the file. */
export function readSettingsFile (file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`settings file ${file}: cannot be read (${(err as Error).message})`)
  }
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigError(`settings file ${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'} (${(err as Error).message})`)
  }
}

export function loadSettingsFile (file: string, vendorSchemas: Record<string, z.ZodType>): Settings {
  return parseSettings(readSettingsFile(file), vendorSchemas, `settings file ${file}`)
}

/** Everything the sandbox needs to start. */
export interface Config extends Flags {
  settings: Settings
}
