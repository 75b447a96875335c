/**
 * Generated files committed to the repository (types/, collections/): write them, or check that the
 * committed ones are what the generator gives now (CI), so that they cannot drift from their source.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function checkOrWrite (dir: string, files: ReadonlyMap<string, string>, command: string, check: boolean): void {
  let present: string[] = []
  try { present = readdirSync(dir) } catch {}
  if (!check) {
    mkdirSync(dir, { recursive: true })
    for (const f of present) if (!files.has(f)) rmSync(join(dir, f))
    for (const [f, text] of files) writeFileSync(join(dir, f), text)
    console.log(`wrote ${[...files.keys()].map((f) => join(dir, f)).join(', ')}`)
    return
  }
  const stale = [...files].filter(([f, text]) => {
    try { return readFileSync(join(dir, f), 'utf8') !== text } catch { return true }
  }).map(([f]) => join(dir, f))
  const extra = present.filter((f) => !files.has(f)).map((f) => join(dir, f))
  if (stale.length + extra.length > 0) {
    console.error(`${dir}/ is stale (run ${command} and commit): ${[...stale, ...extra.map((f) => `${f} (not generated)`)].join(', ')}`)
    process.exit(1)
  }
  console.log(`${dir}/ is up to date (${files.size} files)`)
}
