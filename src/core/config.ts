/**
 * The only reader of process arguments and environment (CONTRACT.md, "Start"). Flags win over
 * environment variables; both are zod-validated, and a bad value stops the process with a message
 * naming the flag and exit code 2 (see server.ts).
 *
 * The settings file (`--config`) holds the core's own sections and one section per vendor. Core does
 * not know the vendors: their section schemas are passed in by app.ts from the registry.
 */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const list = z.string().transform((s) => s.split(',').map((k) => k.trim()).filter((k) => k.length > 0))

/** One row per flag of CONTRACT.md: flag name, environment variable, schema (with its default). */
const FLAGS = {
  port: { env: 'PORT', schema: z.coerce.number().int().min(0).max(65535).default(4400) },
  host: { env: 'HOST', schema: z.string().min(1).default('127.0.0.1') },
  db: { env: 'SANDBOX_DB', schema: z.string().min(1).default('.sandbox/sandbox.db') },
  scenarios: { env: 'SANDBOX_SCENARIOS', schema: z.string().min(1).default('./scenarios') },
  seed: { env: 'SANDBOX_SEED', schema: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(0) },
  vendor: { env: 'SANDBOX_VENDOR', schema: z.string().min(1).optional() },
  'api-keys': { env: 'SANDBOX_API_KEYS', schema: list.pipe(z.array(z.string()).min(1, 'needs at least one key')).optional() },
  'admin-token': { env: 'SANDBOX_ADMIN_TOKEN', schema: z.string().min(1).optional() },
  config: { env: 'SANDBOX_CONFIG', schema: z.string().min(1).optional() },
  'log-level': { env: 'SANDBOX_LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }
} as const

type FlagName = keyof typeof FLAGS

export interface Flags {
  port: number
  host: string
  db: string
  scenarios: string
  seed: number
  vendor: string | undefined
  apiKeys: string[] | undefined
  adminToken: string | undefined
  config: string | undefined
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

export const HELP = `ekyc-sandbox: emulates five eKYC / face-biometrics vendor APIs on one port.

Usage: ekyc-sandbox [flags]      (npm start -- [flags])

${Object.entries(FLAGS).map(([name, f]) => `  --${name.padEnd(12)} env ${f.env}`).join('\n')}

See README.md for every flag's default and the settings file.`

/** Parse argv (without node and script) and env into validated flags; throws ConfigError. */
export function parseFlags (argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  const given: Partial<Record<FlagName, string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (flags start with --; see --help)`)
    const eq = arg.indexOf('=')
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) as FlagName
    if (!(name in FLAGS)) throw new ConfigError(`unknown flag --${name} (see --help)`)
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else {
      value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`flag --${name} needs a value`)
      i++
    }
    given[name] = value
  }
  const out: Record<string, unknown> = {}
  for (const [name, flag] of Object.entries(FLAGS) as Array<[FlagName, (typeof FLAGS)[FlagName]]>) {
    const fromFlag = given[name]
    const raw = fromFlag ?? (env[flag.env] === '' ? undefined : env[flag.env])
    const parsed = (flag.schema as z.ZodType).safeParse(raw)
    if (!parsed.success) {
      const source = fromFlag !== undefined ? `--${name}` : `${flag.env} (environment)`
      throw new ConfigError(`invalid value ${JSON.stringify(raw)} for ${source}: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
    }
    out[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = parsed.data
  }
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

function formatIssues (err: z.ZodError, prefix: string): string {
  return err.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`).join('; ')
}

/**
 * Validate a settings object (from the file, or {} for the defaults). `vendorSchemas` maps a vendor id
 * to its section's schema (with defaults). An error names the file and the field.
 */
export function parseSettings (raw: unknown, vendorSchemas: Record<string, z.ZodType>, source = 'settings'): Settings {
  if (raw === null || raw === undefined) raw = {}
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: expected an object at the top level`)
  const obj = raw as Record<string, unknown>
  const coreKeys = Object.keys(CoreSettingsSchema.shape)
  for (const key of Object.keys(obj)) {
    if (!coreKeys.includes(key) && !(key in vendorSchemas)) {
      throw new ConfigError(`${source}: ${key}: unknown section (expected one of ${[...coreKeys, ...Object.keys(vendorSchemas)].join(', ')})`)
    }
  }
  const coreRaw = Object.fromEntries(coreKeys.filter((k) => k in obj).map((k) => [k, obj[k]]))
  const core = CoreSettingsSchema.safeParse(coreRaw)
  if (!core.success) throw new ConfigError(`${source}: ${formatIssues(core.error, '')}`)
  const vendors: Record<string, unknown> = {}
  for (const [id, schema] of Object.entries(vendorSchemas)) {
    const parsed = schema.safeParse(obj[id] ?? {})
    if (!parsed.success) throw new ConfigError(`${source}: ${formatIssues(parsed.error, id)}`)
    vendors[id] = parsed.data
  }
  return { core: core.data, vendors }
}

export function loadSettingsFile (file: string, vendorSchemas: Record<string, z.ZodType>): Settings {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`settings file ${file}: cannot be read (${(err as Error).message})`)
  }
  let raw: unknown
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigError(`settings file ${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'} (${(err as Error).message})`)
  }
  return parseSettings(raw, vendorSchemas, `settings file ${file}`)
}

/** Everything the sandbox needs to start. */
export interface Config extends Flags {
  settings: Settings
}
