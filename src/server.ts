/**
 * Process entry: configuration (a bad value exits with code 2), the app, listen, graceful close.
 */
import { buildApp, loadConfig } from './app.js'
import { ConfigError, HELP } from './core/config.js'
import { ScenarioFileError } from './core/scenarios/loader.js'

export async function main (argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP + '\n')
    return
  }
  let app
  try {
    const config = loadConfig(argv, process.env)
    app = await buildApp(config)
    const address = await app.listen({ port: config.port, host: config.host })
    const url = address.replace('://[::1]', '://localhost')
    const served = config.vendor === undefined ? 'all vendors under their prefixes' : `vendor ${config.vendor} at the root`
    process.stdout.write(`ekyc-sandbox listening on ${url} (${served}; database ${config.db}; docs ${url}/docs)\n`)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ScenarioFileError) {
      process.stderr.write(`ekyc-sandbox: ${err.message}\n`)
      process.exitCode = 2
      await app?.close()
      return
    }
    throw err
  }
  let closing = false
  const close = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info(`${signal}: closing`)
    app.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', () => close('SIGINT'))
  process.on('SIGTERM', () => close('SIGTERM'))
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`ekyc-sandbox: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
