/**
 * Architecture rules, as tests: core never imports a vendor; a vendor imports only core and its own
 * folder; vendor code reads time from the virtual clock, never Date.now().
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'

function files (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
}

function imports (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2]) as string)
}

const src = resolve('src')

t.test('core never imports a vendor', async (t) => {
  for (const file of files(join(src, 'core'))) {
    for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
      const target = relative(src, resolve(dirname(file), spec))
      t.notOk(target.startsWith('vendors'), `${relative(src, file)} imports ${spec}`)
    }
  }
})

t.test('a vendor imports only core and its own folder', async (t) => {
  for (const vendor of readdirSync(join(src, 'vendors'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const file of files(join(src, 'vendors', vendor.name))) {
      for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
        const target = relative(src, resolve(dirname(file), spec))
        t.ok(target.startsWith('core') || target.startsWith(join('vendors', vendor.name)), `${relative(src, file)} imports ${spec}`)
      }
    }
  }
})

t.test('vendor code takes time from the virtual clock, never Date.now() or an argument-less new Date()', async (t) => {
  for (const file of files(join(src, 'vendors'))) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '')
    t.notMatch(text, /Date\.now\(|new Date\(\)/, relative(src, file))
  }
})
