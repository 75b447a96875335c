/**
 * The package's own files, found from this module's URL. It sits two folders below the package
 * root wherever it runs: src/core/ (tsx), dist/core/ (tsc's output) and dist/bundle/, where the
 * command's bundle lives (scripts/bundle.ts). Every path of the package is resolved here, so that
 * the bundle finds the same files as the modules it was made from.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** The scenarios shipped with the package. */
export const SHIPPED_SCENARIOS = join(PACKAGE_ROOT, 'scenarios')

/** The built dashboard (scripts/build-dashboard.ts). */
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dist', 'dashboard') + '/'

/** The shipped scenario files, parsed and validated by the build (scripts/bundle.ts). */
export const PREPARED_SCENARIOS_FILE = join(PACKAGE_ROOT, 'dist', 'scenarios.json')

/**
 * Where built code finds the prepared scenarios: made by the same build, they say what its code
 * says. Sources run by tsx validate with what they say now.
 */
export const PREPARED_SCENARIOS = import.meta.url.endsWith('.js') ? PREPARED_SCENARIOS_FILE : undefined
