/**
 * Build the dashboard (dashboard/ → dist/dashboard/): esbuild bundles the Preact page into one
 * minified script and one stylesheet with content hashes in their names, index.html is written
 * from dashboard/index.html with those names, and every file gets .gz and .br siblings that
 * @fastify/static sends to browsers that accept them (src/core/dashboard.ts).
 *   npm run dashboard      (npm run build runs it too)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

export interface BuiltFile { file: string, bytes: number, gzip: number, brotli: number }

export async function buildDashboard (outDir = 'dist/dashboard', srcDir = 'dashboard'): Promise<BuiltFile[]> {
  const result = await build({
    entryPoints: [join(srcDir, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'app-[hash]',
    assetNames: '[name]-[hash]',
    outdir: outDir,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent'
  })
  const outputs = new Map<string, Uint8Array>()
  for (const f of result.outputFiles) outputs.set(basename(f.path), f.contents)
  const script = [...outputs.keys()].find((n) => n.endsWith('.js'))
  const style = [...outputs.keys()].find((n) => n.endsWith('.css'))
  if (script === undefined || style === undefined) throw new Error('dashboard build: expected one .js and one .css output')
  const html = readFileSync(join(srcDir, 'index.html'), 'utf8')
    .replace('%SCRIPT%', `./${script}`)
    .replace('%STYLE%', `./${style}`)
    .replace(/\n\s*/g, '\n')
  outputs.set('index.html', Buffer.from(html))

  // A clean directory: old hashed files would otherwise pile up.
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const built: BuiltFile[] = []
  for (const [name, contents] of outputs) {
    const gz = gzipSync(contents, { level: 9 })
    const br = brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
    writeFileSync(join(outDir, name), contents)
    writeFileSync(join(outDir, `${name}.gz`), gz)
    writeFileSync(join(outDir, `${name}.br`), br)
    built.push({ file: name, bytes: contents.length, gzip: gz.length, brotli: br.length })
  }
  return built.sort((a, b) => a.file.localeCompare(b.file))
}

/** The files of a built dashboard, without their compressed siblings. */
export function builtFiles (outDir = 'dist/dashboard'): string[] {
  return readdirSync(outDir).filter((f) => !/\.(gz|br)$/.test(f))
}

async function main (): Promise<void> {
  const started = performance.now()
  const files = await buildDashboard()
  const total = files.reduce((s, f) => ({ bytes: s.bytes + f.bytes, gzip: s.gzip + f.gzip, brotli: s.brotli + f.brotli }), { bytes: 0, gzip: 0, brotli: 0 })
  for (const f of files) console.log(`dist/dashboard/${f.file}  ${f.bytes} B, gzip ${f.gzip} B, brotli ${f.brotli} B`)
  console.log(`dashboard built in ${Math.round(performance.now() - started)} ms: ${total.bytes} B, gzip ${total.gzip} B, brotli ${total.brotli} B`)
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, '/scripts/'))) {
  main().catch((err: unknown) => { console.error(err); process.exit(1) })
}
