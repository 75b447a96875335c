/**
 * What startSandbox() needs of the server, in one module: the built package bundles it
 * (scripts/bundle.ts: dist/bundle/kit-server.js, sharing its code with the command's bundle), so
 * that a test file's first startSandbox() loads a few files instead of ~700 modules.
 */
export { start } from './start.js'
export { SHIPPED_SCENARIOS } from '../core/package.js'
export { vendorSettingsSchemas } from '../app.js'
export { ConfigError, parseSettings, readSettingsFile } from '../core/config.js'
export { ScenarioFileError } from '../core/scenarios/loader.js'

export type ServerModule = typeof import('./server.js')
