/**
 * The kit's names stay in step with the server (the kit cannot import the registry without loading
 * the server), and testPhoto passes the real checks it is made for.
 */
import t from 'tap'
import { vendorIds } from '../../src/app.js'
import { checkNamespace, NAMESPACE_PATTERN, uniqueNamespace, VENDOR_IDS } from '../../src/kit/names.js'
import { testPhoto } from '../../src/kit/photo.js'
import { build, json, multipart } from '../helper.js'

t.test('VENDOR_IDS is the registry', async (t) => {
  t.same([...VENDOR_IDS], vendorIds)
})

t.test('the namespace rule is the server\'s: what the kit accepts the sandbox accepts, and the reverse', async (t) => {
  const app = await build(t)
  const samples = ['a', 'default', 'team-a.run_1:x', 'A'.repeat(64), 'A'.repeat(65), '-lead', '.lead', 'has space', 'ünï', 'a/b', uniqueNamespace(), uniqueNamespace('ci.job-42')]
  for (const ns of samples) {
    const res = await app.inject({ method: 'GET', url: '/__admin/clock', headers: { 'x-sandbox-namespace': ns } })
    t.equal(NAMESPACE_PATTERN.test(ns), res.statusCode === 200, ns)
  }
  t.throws(() => uniqueNamespace('bad prefix'), { message: /uniqueNamespace\(prefix\)/ })
  t.throws(() => checkNamespace(42, 'x'), { message: 'x: 42 is not a namespace (1-64 characters: letters, digits and . _ : -, not first)' })
})

t.test('testPhoto: the same options give the same bytes; it passes FPT\'s OCR quality checks and Gtriip\'s liveness', async (t) => {
  const [a, b, c] = await Promise.all([testPhoto({ seed: 4 }), testPhoto({ seed: 4 }), testPhoto({ seed: 5 })])
  t.same(a, b)
  t.notSame(a, c)
  t.equal(a.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG')
  t.equal((await testPhoto({ format: 'png', width: 32, height: 32 })).subarray(1, 4).toString(), 'PNG')
  await t.rejects(testPhoto({ width: 3 }), { message: /testPhoto: option width/ })
  await t.rejects(testPhoto({ format: 'gif' as any }), { message: /testPhoto: option format/ })
  const app = await build(t)
  const init = json(await app.inject({ method: 'POST', url: '/fpt/session/init', headers: { 'api-key': 'k', 'device-type': 'android' } }))
  const ocr = await app.inject({
    method: 'POST',
    url: '/fpt/ocr',
    ...multipart([{ name: 'files', value: a, filename: 'front.jpg', contentType: 'image/jpeg' }], { 'api-key': 'k', 'device-type': 'android', 'session-id': init['session-id'], 'document-type': 'idr', 'side-type': 'front' })
  })
  t.equal(json(ocr).errorCode, '0', ocr.payload.slice(0, 200))
  const live = await app.inject({ method: 'POST', url: '/gtriip/liveness/', ...multipart([{ name: 'image', value: c, filename: 'selfie.jpg', contentType: 'image/jpeg' }], { 'x-api-key': 'k' }) })
  t.match(json(live), { success: true })
})

t.test('importing the package loads no server code: the static imports of src/kit/index.ts stay in src/kit, but for dependency-free helpers', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { dirname, relative, resolve } = await import('node:path')
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    // Static imports and re-exports only (`import type` is erased); dynamic import() is what loads the server lazily.
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      visit(resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')))
    }
  }
  visit(resolve('src/kit/index.ts'))
  // Outside src/kit only what imports no package at all (Node's own modules aside): the journal's redaction.
  const outside = [...seen].map((f) => relative('src', f)).filter((f) => !f.startsWith('kit/'))
  t.same(outside.sort(), ['core/hash.ts', 'core/journal/summarise.ts'])
  for (const f of outside) t.notMatch(readFileSync(resolve('src', f), 'utf8'), /from\s+['"](?!node:|\.)[^'"]+['"]/, `${f} imports no package`)
  t.notOk([...seen].some((f) => f.endsWith('start.ts')), 'start.ts (fastify, the app) is imported dynamically')
})
