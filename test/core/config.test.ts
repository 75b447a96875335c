/**
 * Flags and environment (CONTRACT.md, "Start"): flags win, zod-validated; a bad value stops the
 * process with a message naming it and exit code 2. The settings file: every default, field errors.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { configFrom, loadConfig } from '../../src/app.js'
import { ConfigError, parseFlags } from '../../src/core/config.js'

t.test('defaults are those of CONTRACT.md', async (t) => {
  const f = parseFlags([], {})
  t.match(f, { port: 4400, host: '127.0.0.1', db: '.sandbox/sandbox.db', scenarios: './scenarios', seed: 0, vendor: undefined, apiKeys: undefined, adminToken: undefined, config: undefined })
})

t.test('every flag has its environment variable, and flags win', async (t) => {
  const env = { PORT: '5000', HOST: '0.0.0.0', SANDBOX_DB: ':memory:', SANDBOX_SCENARIOS: 'x', SANDBOX_SEED: '9', SANDBOX_VENDOR: 'oz', SANDBOX_API_KEYS: 'a, b', SANDBOX_ADMIN_TOKEN: 'tok' }
  t.match(parseFlags([], env), { port: 5000, host: '0.0.0.0', db: ':memory:', scenarios: 'x', seed: 9, vendor: 'oz', apiKeys: ['a', 'b'], adminToken: 'tok' })
  t.match(parseFlags(['--port', '6000', '--seed=3', '--api-keys', 'k1'], env), { port: 6000, seed: 3, apiKeys: ['k1'] })
})

t.test('a bad value is refused with a message naming the flag or the variable', async (t) => {
  t.throws(() => parseFlags(['--port', 'abc'], {}), new ConfigError('invalid value "abc" for --port: Invalid input: expected number, received NaN'))
  t.throws(() => parseFlags([], { PORT: '70000' }), { message: /PORT \(environment\)/ })
  t.throws(() => parseFlags(['--seed', '-1'], {}), { message: /--seed/ })
  t.throws(() => parseFlags(['--colour', 'red'], {}), { message: 'unknown flag --colour (see --help)' })
  t.throws(() => parseFlags(['--port'], {}), { message: 'flag --port needs a value' })
  t.throws(() => parseFlags(['--api-keys', ' , '], {}), { message: /--api-keys/ })
  t.throws(() => loadConfig(['--vendor', 'acme'], {}), { message: /--vendor: expected one of weber, gtriip, fpt, riset, oz/ })
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
  t.same(configFrom([]).settings.core.scenarios, { watch: true })
})

function run (args: string[], until?: RegExp): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', ...args], { env: { ...process.env, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const onData = (b: Buffer): void => {
      out += String(b)
      if (until !== undefined && until.test(out)) child.kill('SIGTERM')
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }) })
  })
}

t.test('the process exits with code 2 and names the flag on a bad value', async (t) => {
  const { code, out } = await run(['--port', 'abc'])
  t.equal(code, 2)
  t.match(out, /ekyc-sandbox: invalid value "abc" for --port/)
})

t.test('the process exits with code 2 and names the file on a broken scenario file', async (t) => {
  const dir = t.testdir({ 'x.yaml': 'name: gtriip/x\nvendor: gtriip\ndescription: d\nrules: []\n' })
  const { code, out } = await run(['--scenarios', dir, '--db', ':memory:', '--port', '0'])
  t.equal(code, 2)
  t.match(out, /x\.yaml: rules: /)
})

t.test('the server prints one line containing "listening" and its URL, and stops cleanly on SIGTERM', async (t) => {
  const { code, out } = await run(['--port', '0', '--db', ':memory:', '--log-level', 'warn'], /listening on http:\/\/127\.0\.0\.1:\d+/)
  t.match(out, /ekyc-sandbox listening on http:\/\/127\.0\.0\.1:\d+ /)
  t.equal(code, 0)
})
