/**
 * The shipped scenario files parsed by the build (scripts/bundle.ts, dist/scenarios.json): the
 * built command takes them as they are instead of parsing them at start-up, and parses a file
 * whose text changed since.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { newParseCache } from '../../src/app.js'
import { PACKAGE_ROOT, SHIPPED_SCENARIOS } from '../../src/core/package.js'
import { loadScenarioDir, ParseCache, readPrepared, type PreparedFile } from '../../src/core/scenarios/loader.js'
import { prepareScenarios } from '../../scripts/bundle.js'

const ONE = join(SHIPPED_SCENARIOS, 'fpt', 'liveness.yaml')

function prepared (dir: string): { file: string, files: Record<string, PreparedFile> } {
  const file = join(dir, 'scenarios.json')
  prepareScenarios(file)
  return { file, files: JSON.parse(readFileSync(file, 'utf8')) as Record<string, PreparedFile> }
}

t.test('every shipped file is prepared, and loads exactly as when parsed', async (t) => {
  const { file, files } = prepared(t.testdir())
  t.equal(Object.keys(files).length, loadScenarioDir(SHIPPED_SCENARIOS, newParseCache()).byFile.size)
  const cache = new ParseCache(newParseCache().vendors, readPrepared(file, PACKAGE_ROOT))
  t.same(loadScenarioDir(SHIPPED_SCENARIOS, cache), loadScenarioDir(SHIPPED_SCENARIOS, newParseCache()))
})

t.test('a prepared file is taken as the build left it, without parsing', async (t) => {
  const { file, files } = prepared(t.testdir())
  const entry = files[relative(PACKAGE_ROOT, ONE)] as PreparedFile
  ;(entry.scenarios[0] as { description: string }).description = 'as prepared'
  writeFileSync(file, JSON.stringify(files))
  const cache = new ParseCache(newParseCache().vendors, readPrepared(file, PACKAGE_ROOT))
  const list = cache.parse(ONE, readFileSync(ONE, 'utf8'), 'shipped/liveness.yaml')
  t.equal(list[0]?.description, 'as prepared')
  t.equal(list[0]?.file, 'shipped/liveness.yaml', 'labelled as loaded')
})

t.test('a file whose text changed since the build is parsed again', async (t) => {
  const { file } = prepared(t.testdir())
  const cache = new ParseCache(newParseCache().vendors, readPrepared(file, PACKAGE_ROOT))
  const text = readFileSync(ONE, 'utf8').replace(/description: .*/, 'description: edited after the build')
  t.equal(cache.parse(ONE, text, 'f.yaml')[0]?.description, 'edited after the build')
})

t.test('no prepared list, or an unreadable one, means parsing everything', async (t) => {
  t.equal(readPrepared(undefined, PACKAGE_ROOT).size, 0)
  t.equal(readPrepared(join(t.testdir(), 'missing.json'), PACKAGE_ROOT).size, 0)
  const bad = join(t.testdir({ 'bad.json': '{"not json' }), 'bad.json')
  t.equal(readPrepared(bad, PACKAGE_ROOT).size, 0)
})
