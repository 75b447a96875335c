/**
 * The command (`ekyc-sandbox`, `npm start`): flags → start (kit/start.ts) → the listening line;
 * SIGTERM/SIGINT close gracefully and exit 0, a second signal exits at once. What the operator must
 * mend (a bad flag, settings file, scenario file, --db, a port in use) is one line per problem on
 * stderr and exit code 2, without a stack trace. `--help` and `--version` load nothing else.
 */
import { commandOf, ConfigError, helpText } from './core/config.js'
import { VERSION } from './core/package.js'

/**
 * A closed pipe (`ekyc-sandbox | head -1`, a log collector that went away) makes writes fail with
 * EPIPE, emitted as an 'error' event that would kill the process: logging must never stop the
 * sandbox, so these errors are dropped. (pino's own destination drops EPIPE too.)
 */
function guardStdio (): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
}

function say (line: string): void {
  process.stdout.write(line + '\n')
}

function complain (message: string): void {
  for (const line of message.split('\n')) process.stderr.write(`ekyc-sandbox: ${line}\n`)
}

function onSignals (close: () => Promise<void>, inFlight: () => number, graceSeconds: number): void {
  let closing = false
  const handle = (signal: NodeJS.Signals): void => {
    if (closing) {
      complain(`second ${signal}: exiting now`)
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    closing = true
    const n = inFlight()
    say(`ekyc-sandbox: ${signal}: stopping; ${n} request${n === 1 ? '' : 's'} in flight, waiting up to ${graceSeconds} s (a second signal exits at once)`)
    close().then(() => process.exit(0), (err: unknown) => {
      complain(`failed to close: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      process.exit(1)
    })
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
}

export async function main (argv: readonly string[]): Promise<void> {
  guardStdio()
  const command = commandOf(argv)
  if (command === 'help') return say(helpText(VERSION))
  if (command === 'version') return say(VERSION)
  const [{ loadConfig }, { start }, { ScenarioFileError }] = await Promise.all([
    import('./app.js'), import('./kit/start.js'), import('./core/scenarios/loader.js')
  ])
  let started
  let config
  try {
    config = loadConfig(argv, process.env)
    started = await start(config)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ScenarioFileError) {
      complain(err.message)
      process.exitCode = 2
      return
    }
    throw err
  }
  // Before the listening line: whoever reads it may signal at once.
  onSignals(started.close, started.inFlight, config.shutdownGrace)
  const served = config.vendor === undefined ? 'all vendors under their prefixes' : `vendor ${config.vendor} at the root`
  const every = config.host === '0.0.0.0' || config.host === '::' ? `, on every interface (${config.host})` : ''
  say(`ekyc-sandbox listening on ${started.url} (${served}${every}; database ${config.db}; docs ${started.url}/docs)`)
  if (every !== '' && config.adminToken === undefined) {
    complain('warning: listening on every interface without --admin-token: anyone on the network can reset state and read the journal')
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  complain(`failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
  process.exit(1)
})
