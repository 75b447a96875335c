/**
 * openapi/<id>.json, generated from the zod schemas of the routes (the same that validate requests).
 *   npm run openapi        write the files
 *   npm run openapi:check  fail (exit 1) when a committed file differs from what the code generates
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp, configFrom, vendorIds } from '../src/app.js'

export async function generate (): Promise<Map<string, string>> {
  const app = await buildApp(configFrom(['--db', ':memory:', '--log-level', 'silent']), { logger: false, watchScenarios: false })
  try {
    const out = new Map<string, string>()
    for (const id of [...vendorIds, 'admin']) {
      const doc = app.openapiDocument(id)
      if (doc === undefined) throw new Error(`no document for ${id}`)
      out.set(`${id}.json`, JSON.stringify(doc, null, 2) + '\n')
    }
    return out
  } finally {
    await app.close()
  }
}

async function main (mode: string | undefined): Promise<void> {
  const dir = 'openapi'
  const docs = await generate()
  if (mode === 'write') {
    mkdirSync(dir, { recursive: true })
    for (const [file, text] of docs) writeFileSync(join(dir, file), text)
    console.log(`wrote ${[...docs.keys()].map((f) => join(dir, f)).join(', ')}`)
    return
  }
  const stale: string[] = []
  for (const [file, text] of docs) {
    let committed = ''
    try { committed = readFileSync(join(dir, file), 'utf8') } catch {}
    if (committed !== text) stale.push(join(dir, file))
  }
  if (stale.length > 0) {
    console.error(`stale OpenAPI documents (run npm run openapi and commit): ${stale.join(', ')}`)
    process.exit(1)
  }
  console.log(`openapi/ is up to date (${docs.size} documents)`)
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, '/scripts/'))) {
  main(process.argv[2]).catch((err: unknown) => { console.error(err); process.exit(1) })
}
