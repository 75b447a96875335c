/**
 * collections/<id>.json: a Postman (v2.1) collection per vendor and one for the admin API, generated
 * from the committed openapi/<id>.json (src/core/collections.ts does the work; the sandbox serves the
 * same at /collections/<id>.json with its own address). The files here use http://127.0.0.1:4400.
 *   npm run collections        write the files
 *   npm run collections:check  fail (exit 1) when a committed file is stale
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { postmanCollection } from '../src/core/collections.js'
import { checkOrWrite } from './generated.js'

export const DEFAULT_ORIGIN = 'http://127.0.0.1:4400'

export function generateCollections (dir = 'openapi'): Map<string, string> {
  const out = new Map<string, string>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>
    out.set(file, JSON.stringify(postmanCollection(doc, file.slice(0, -5), DEFAULT_ORIGIN), null, 2) + '\n')
  }
  return out
}

if (process.argv[1]?.endsWith('collections.ts') === true) {
  checkOrWrite('collections', generateCollections(), 'npm run collections', process.argv[2] === 'check')
}
