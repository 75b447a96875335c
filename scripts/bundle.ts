/**
 * The command and the test kit's server as bundles (issue 15, point 4). esbuild bundles
 * dist/server.js (with everything it imports from dist/ and node_modules) into
 * dist/bundle/server.js, the journal's worker beside it, and what startSandbox() loads
 * (dist/kit/server.js) into dist/bundle/kit-server.js, the code they share in chunks: Node 20 then
 * loads a few files instead of ~700 modules, each resolved, read and compiled on its own. The
 * native addons (better-sqlite3, sharp) stay outside, loaded from node_modules. The shipped
 * scenario files are parsed and validated here too, into dist/scenarios.json, instead of at every
 * start. Last step of `npm run build`: it writes the stamp dist/.built that
 * scripts/build-if-stale.mjs compares with the sources.
 *   npm run build runs it after tsc; run alone: tsx scripts/bundle.ts
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { newParseCache } from '../src/app.js'
import { PACKAGE_ROOT, PREPARED_SCENARIOS_FILE, SHIPPED_SCENARIOS } from '../src/core/package.js'
import { listScenarioFiles, type PreparedFile } from '../src/core/scenarios/loader.js'

export const BUNDLE_DIR = 'dist/bundle'

// CommonJS packages inside an ES module bundle still call require(): give them Node's.
const BANNER = "import { createRequire as __sandboxRequire } from 'node:module'; const require = __sandboxRequire(import.meta.url);"

/**
 * @fastify/swagger-ui serves files that sit beside its code (static/), found from its __dirname,
 * which a bundle does not have: each of its files gets the folder it has in the installed package.
 */
const swaggerUiFiles: Plugin = {
  name: 'swagger-ui-dirname',
  setup (b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\]@fastify[/\\]swagger-ui[/\\].*\.js$/ }, (args) => {
      const within = relative(dirname(args.path.replace(/(node_modules[/\\]@fastify[/\\]swagger-ui)[/\\].*$/, '$1/index.js')), dirname(args.path))
      const here = `require('node:path').join(require('node:path').dirname(require.resolve('@fastify/swagger-ui')), ${JSON.stringify(within)})`
      return { contents: `var __dirname = ${here};\n${readFileSync(args.path, 'utf8')}`, loader: 'js' }
    })
  }
}

export async function bundleServer (outdir = BUNDLE_DIR): Promise<void> {
  // Chunk names carry a content hash: an earlier build's chunks would pile up beside the new ones.
  rmSync(outdir, { recursive: true, force: true })
  await build({
    entryPoints: { server: 'dist/server.js', worker: 'dist/core/journal/worker.js', 'kit-server': 'dist/kit/server.js' },
    outdir,
    bundle: true,
    // The command and the test kit's startSandbox() share their code in chunks.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'sharp'],
    plugins: [swaggerUiFiles],
    banner: { js: BANNER },
    legalComments: 'none',
    logLevel: 'error'
  })
}

/**
 * The shipped scenario files parsed and validated now, so that the built command does not parse
 * them at every start (src/core/scenarios/loader.ts, readPrepared). Keyed by path from the package
 * root; a file edited afterwards no longer matches its text and is parsed again.
 */
export function prepareScenarios (out = PREPARED_SCENARIOS_FILE): number {
  const cache = newParseCache()
  const files: Record<string, PreparedFile> = {}
  for (const file of listScenarioFiles(SHIPPED_SCENARIOS)) {
    const text = readFileSync(file, 'utf8')
    files[relative(PACKAGE_ROOT, file)] = { text, scenarios: cache.parse(file, text, file).map(({ file: _file, ...s }) => s) }
  }
  writeFileSync(out, JSON.stringify(files))
  return Object.keys(files).length
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, '/scripts/'))) {
  bundleServer().then(() => {
    prepareScenarios()
    writeFileSync('dist/.built', new Date().toISOString() + '\n')
  }, (err: unknown) => { console.error(err); process.exit(1) })
}
