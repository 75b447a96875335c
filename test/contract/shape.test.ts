/**
 * One shape for every vendor (issue "One shape for every vendor"), as tests: the same rooms in every
 * vendor folder, services free of Fastify, no per-request side channels, functions short enough to
 * read at once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import ts from 'typescript'
import { SUITES, suiteFiles, testFiles } from '../suites.js'

const SRC = 'src'
const VENDORS = readdirSync(join(SRC, 'vendors')).filter((e) => statSync(join(SRC, 'vendors', e)).isDirectory())
const MAX_FUNCTION_LINES = 80

function files (dir: string, ext = /\.tsx?$/): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

t.test('every vendor folder has the same rooms: index, routes, schemas, service, errors, README', async (t) => {
  for (const v of VENDORS) {
    const dir = join(SRC, 'vendors', v)
    const has = (name: string): boolean => existsSync(join(dir, `${name}.ts`)) || existsSync(join(dir, name))
    for (const room of ['index', 'routes', 'schemas', 'service', 'errors']) t.ok(has(room), `${v}: ${room}.ts or ${room}/`)
    t.ok(existsSync(join(dir, 'README.md')), `${v}: README.md`)
  }
})

t.test('services take a call and plain inputs: no Fastify type in any service file', async (t) => {
  for (const v of VENDORS) {
    const dir = join(SRC, 'vendors', v)
    const serviceFiles = existsSync(join(dir, 'service')) ? files(join(dir, 'service')) : [join(dir, 'service.ts')]
    for (const f of serviceFiles) t.notMatch(readFileSync(f, 'utf8'), /\bFastify(Request|Reply|Instance)\b/, relative(SRC, f))
  }
})

t.test('no per-request side channel: nothing keyed by a request in a WeakMap', async (t) => {
  for (const f of files(SRC)) t.notMatch(readFileSync(f, 'utf8'), /WeakMap<\s*Fastify(Request|Reply)/, relative(SRC, f))
})

t.test(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines`, async (t) => {
  const long: string[] = []
  for (const f of files(SRC)) {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true)
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
        const from = sf.getLineAndCharacterOfPosition(node.getStart()).line
        const to = sf.getLineAndCharacterOfPosition(node.end).line
        if (to - from + 1 > MAX_FUNCTION_LINES) long.push(`${relative(SRC, f)}:${from + 1} (${to - from + 1} lines)`)
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  t.same(long, [], 'functions over the limit')
})

t.test('npm test runs every test file once: each belongs to exactly one suite, each suite has its process file', async (t) => {
  const all = testFiles('test').filter((f) => !f.startsWith('test/suites/'))
  const owners = new Map<string, string[]>()
  for (const name of Object.keys(SUITES)) for (const f of suiteFiles(name)) owners.set(f, [...(owners.get(f) ?? []), name])
  for (const f of all) t.equal(owners.get(f)?.length, 1, `${f}: in ${owners.get(f)?.join(', ') ?? 'no suite'}`)
  t.same([...owners.keys()].filter((f) => !all.includes(f)), [], 'no suite names a file that does not exist')
  t.same(testFiles('test/suites').map((f) => f.replace(/^test\/suites\/(.*)\.test\.ts$/, '$1')).sort(), Object.keys(SUITES).sort())
})
