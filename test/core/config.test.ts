/**
 * Flags and environment (CONTRACT.md, "Start"): one table (FLAGS) parses, validates, prints --help
 * and writes the README's table; flags win; every bad value is reported, naming the flag or the
 * variable, and the process exits with code 2. The settings file: every default, every field error
 * at once. (The command's start-up failures, shutdown and closed pipes: test/kit/command.test.ts.)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { configFrom, loadConfig } from '../../src/app.js'
import { commandOf, ConfigError, FLAGS, helpText, parseFlags } from '../../src/core/config.js'
import { flagsTable } from '../../scripts/settings-doc.js'
import { command } from '../kit/command.js'

t.test('defaults are those of CONTRACT.md', async (t) => {
  const f = parseFlags([], {})
  t.same(f, {
    port: 4400,
    host: '127.0.0.1',
    db: '.sandbox/sandbox.db',
    scenarios: './scenarios',
    seed: 0,
    vendor: undefined,
    apiKeys: undefined,
    adminToken: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    config: undefined,
    logLevel: 'info',
    shutdownGrace: 5
  })
})

t.test('every flag has its environment variable, and flags win', async (t) => {
  const env = {
    PORT: '5000',
    HOST: '0.0.0.0',
    SANDBOX_DB: ':memory:',
    SANDBOX_SCENARIOS: 'x',
    SANDBOX_SEED: '9',
    SANDBOX_VENDOR: 'oz',
    SANDBOX_API_KEYS: 'a, b',
    SANDBOX_ADMIN_TOKEN: 'tok',
    SANDBOX_TLS_CERT: 'c.pem',
    SANDBOX_TLS_KEY: 'k.pem',
    SANDBOX_CONFIG: 's.yaml',
    SANDBOX_LOG_LEVEL: 'warn',
    SANDBOX_SHUTDOWN_GRACE: '0.5'
  }
  t.same(parseFlags([], env), {
    port: 5000,
    host: '0.0.0.0',
    db: ':memory:',
    scenarios: 'x',
    seed: 9,
    vendor: 'oz',
    apiKeys: ['a', 'b'],
    adminToken: 'tok',
    tlsCert: 'c.pem',
    tlsKey: 'k.pem',
    config: 's.yaml',
    logLevel: 'warn',
    shutdownGrace: 0.5
  })
  t.equal(Object.keys(env).length, FLAGS.length, 'the test covers every flag')
  t.match(parseFlags(['--port', '6000', '--seed=3', '--api-keys', 'k1', '--shutdown-grace', '0'], env), { port: 6000, seed: 3, apiKeys: ['k1'], shutdownGrace: 0 })
})

t.test('a bad value is refused with a message naming the flag or the variable', async (t) => {
  t.throws(() => parseFlags(['--port', 'abc'], {}), new ConfigError('invalid value "abc" for --port: Invalid input: expected number, received NaN'))
  t.throws(() => parseFlags([], { PORT: '70000' }), { message: /PORT \(environment\)/ })
  t.throws(() => parseFlags(['--seed', '-1'], {}), { message: 'flag --seed needs a value (a value starting with "-" is written --seed=-1)' })
  t.throws(() => parseFlags(['--seed=-1'], {}), { message: /invalid value "-1" for --seed/ })
  t.throws(() => parseFlags(['--colour', 'red'], {}), { message: 'unknown flag --colour (see --help)' })
  t.throws(() => parseFlags(['--port'], {}), { message: 'flag --port needs a value' })
  t.throws(() => parseFlags(['--port='], {}), { message: 'flag --port needs a value' })
  t.throws(() => parseFlags(['serve'], {}), { message: 'unexpected argument "serve" (flags start with --; see --help)' })
  t.throws(() => parseFlags(['--api-keys', ' , '], {}), { message: /--api-keys/ })
  t.throws(() => parseFlags(['--log-level', 'loud'], {}), { message: /--log-level: Invalid option/ })
  t.throws(() => parseFlags(['--shutdown-grace', '-2'], {}), { message: /--shutdown-grace/ })
  t.throws(() => loadConfig(['--vendor', 'acme'], {}), { message: /--vendor: expected one of weber, gtriip, fpt, riset, oz/ })
})

t.test('several bad values are all reported, one line each', async (t) => {
  const err = t.throws(() => parseFlags(['--port', 'x', '--seed', 'y'], { SANDBOX_SHUTDOWN_GRACE: 'z' })) as ConfigError
  t.equal(err.problems.length, 3)
  t.match(err.problems, [/--port/, /--seed/, /SANDBOX_SHUTDOWN_GRACE \(environment\)/])
  t.equal(err.message.split('\n').length, 3)
})

t.test('--tls-cert and --tls-key go together', async (t) => {
  t.throws(() => parseFlags(['--tls-cert', 'c.pem'], {}), { message: '--tls-cert needs --tls-key (SANDBOX_TLS_KEY) too' })
  t.throws(() => parseFlags([], { SANDBOX_TLS_KEY: 'k.pem' }), { message: '--tls-key needs --tls-cert (SANDBOX_TLS_CERT) too' })
  t.match(parseFlags(['--tls-cert', 'c.pem'], { SANDBOX_TLS_KEY: 'k.pem' }), { tlsCert: 'c.pem', tlsKey: 'k.pem' })
})

t.test('--help lists every flag with its variable, default and meaning; help and version win over bad flags', async (t) => {
  const help = helpText('9.9.9')
  t.match(help, /^ekyc-sandbox 9\.9\.9/)
  for (const f of FLAGS) {
    t.ok(help.includes(`--${f.flag} ${f.value}  (env ${f.env}; default ${f.default.replace(/^\((.*)\)$/, '$1')})`), `--${f.flag}`)
    t.ok(help.replace(/\n\s+/g, ' ').includes(f.meaning.replaceAll('`', '')), `meaning of --${f.flag}`)
  }
  t.ok(help.split('\n').every((line) => line.length <= 100), 'lines fit a terminal')
  t.equal(commandOf(['--port', 'x', '--help']), 'help')
  t.equal(commandOf(['-h']), 'help')
  t.equal(commandOf(['--version']), 'version')
  t.equal(commandOf(['--port', '1']), 'run')
})

t.test('the README flags table is generated from the same table', async (t) => {
  const readme = readFileSync('README.md', 'utf8')
  t.ok(readme.includes(flagsTable()), 'npm run docs writes it; npm run docs:check keeps it')
  for (const f of FLAGS) t.ok(flagsTable().includes(`| \`--${f.flag} ${f.value}\` | \`${f.env}\` |`))
})

t.test('the settings file: YAML or JSON, every default filled in, errors name the file and the field', async (t) => {
  const dir = t.testdir({
    'ok.yaml': 'gtriip:\n  liveness_threshold: 0.95\njournal:\n  max_per_namespace: 10\n',
    'bad.yaml': 'gtriip:\n  liveness_threshold: high\n',
    'unknown.json': '{"colour": 1}',
    'broken.yaml': 'gtriip: [',
    'core-bad.yaml': 'callbacks:\n  allow_hosts: localhost\n'
  })
  const ok = loadConfig(['--config', join(dir, 'ok.yaml')], {})
  t.equal((ok.settings.vendors.gtriip as any).liveness_threshold, 0.95)
  t.equal((ok.settings.vendors.gtriip as any).max_image_bytes, 10 * 1024 * 1024, 'the rest keeps its default')
  t.equal(ok.settings.core.journal.max_per_namespace, 10)
  t.same(ok.settings.core.callbacks.allow_hosts, ['127.0.0.1', 'localhost', '::1'])
  t.throws(() => loadConfig(['--config', join(dir, 'bad.yaml')], {}), { message: /bad\.yaml: gtriip\.liveness_threshold: Invalid input: expected number/ })
  t.throws(() => loadConfig(['--config', join(dir, 'unknown.json')], {}), { message: /unknown\.json: colour: unknown section/ })
  t.throws(() => loadConfig(['--config', join(dir, 'broken.yaml')], {}), { message: /broken\.yaml: not valid YAML/ })
  t.throws(() => loadConfig(['--config', join(dir, 'core-bad.yaml')], {}), { message: /core-bad\.yaml: callbacks\.allow_hosts: Invalid input: expected array/ })
  t.throws(() => loadConfig(['--config', join(dir, 'missing.yaml')], {}), { message: /missing\.yaml: cannot be read/ })
  t.same(configFrom([]).settings.core.scenarios, { watch: true, latency_scale: 1 })
})

t.test('a settings file with several mistakes reports every one, each naming the file and the field', async (t) => {
  const dir = t.testdir({
    'many.yaml': 'colour: red\njournal:\n  max_per_namespace: 0\ngtriip:\n  liveness_threshold: high\nfpt:\n  session_lifetime_seconds: -1\n  max_selfies: many\n'
  })
  const err = t.throws(() => loadConfig(['--config', join(dir, 'many.yaml')], {})) as ConfigError
  t.equal(err.problems.length, 5)
  t.ok(err.problems.every((p) => p.startsWith(`settings file ${join(dir, 'many.yaml')}: `)))
  t.match(err.message, /colour: unknown section/)
  t.match(err.message, /journal\.max_per_namespace: /)
  t.match(err.message, /gtriip\.liveness_threshold: /)
  t.match(err.message, /fpt\.session_lifetime_seconds: /)
  t.match(err.message, /fpt\.max_selfies: /)
})

t.test('--help and --version print and exit 0', async (t) => {
  const help = await command(['--help', '--port', 'nonsense'])
  t.equal(help.code, 0)
  t.match(help.out, /--shutdown-grace S {2}\(env SANDBOX_SHUTDOWN_GRACE; default 5\)/)
  const version = await command(['--version'])
  t.equal(version.code, 0)
  t.equal(version.out, `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`)
})

t.test('the process exits with code 2 and names the flag on a bad value, one line per problem, no stack', async (t) => {
  const { code, err } = await command(['--port', 'abc', '--seed', 'x'])
  t.equal(code, 2)
  t.equal(err, 'ekyc-sandbox: invalid value "abc" for --port: Invalid input: expected number, received NaN\nekyc-sandbox: invalid value "x" for --seed: Invalid input: expected number, received NaN\n')
})

t.test('the process exits with code 2 and names the file on a broken scenario file', async (t) => {
  const dir = t.testdir({ 'x.yaml': 'name: gtriip/x\nvendor: gtriip\ndescription: d\nrules: []\n' })
  const { code, err } = await command(['--scenarios', dir, '--db', ':memory:', '--port', '0'])
  t.equal(code, 2)
  t.match(err, /x\.yaml: rules: /)
})

t.test('the server prints one line containing "listening" and its URL, and stops cleanly on SIGTERM', async (t) => {
  const { code, out } = await command(['--port', '0', '--db', ':memory:', '--log-level', 'warn'], { until: /listening on http:\/\/127\.0\.0\.1:\d+/ })
  t.match(out, /^ekyc-sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(all vendors under their prefixes; database :memory:; docs http:\/\/127\.0\.0\.1:\d+\/docs\)\n/)
  t.match(out, /SIGTERM: stopping; 0 requests in flight, waiting up to 5 s/)
  t.equal(code, 0)
})
