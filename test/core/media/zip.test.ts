/**
 * The ZIP reader, on archives built byte by byte in the test (APPNOTE local headers, central
 * directory, end record), stored and deflated.
 */
import t from 'tap'
import { isZip, readZip, ZipError } from '../../../src/core/media/zip.js'
import { zip } from './fixtures/builders.js'

/** The kind of the ZipError thrown, 'ok' when nothing is thrown. */
function kindOf (fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (err) {
    return err instanceof ZipError ? err.kind : `other: ${(err as Error).message}`
  }
}

const limits = { maxEntries: 10, maxEntryBytes: 1 << 20, maxTotalBytes: 4 << 20 }

t.test('stored and deflated entries come back byte for byte, in order; directories are skipped', async (t) => {
  const a = Buffer.from('first file '.repeat(100))
  const b = Buffer.from([0, 1, 2, 3, 255, 254])
  const archive = zip([{ name: 'frames/', data: Buffer.alloc(0), method: 0 }, { name: 'frames/001.jpg', data: a }, { name: 'frames/002.jpg', data: b, method: 0 }], 'a comment')
  t.ok(isZip(archive))
  const entries = readZip(archive, limits)
  t.same(entries.map((e) => e.name), ['frames/001.jpg', 'frames/002.jpg'])
  t.same(entries[0]?.data, a)
  t.same(entries[1]?.data, b)
})

t.test('an empty archive has no entries', async (t) => {
  t.same(readZip(zip([]), limits), [])
})

t.test('limits: entry count, entry size, total size, and an entry that inflates past its declared size', async (t) => {
  const many = zip(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.jpg`, data: Buffer.from([i]) })))
  t.equal(kindOf(() => readZip(many, limits)), 'too-many-entries')
  const big = zip([{ name: 'big.jpg', data: Buffer.alloc(2 << 20) }])
  t.equal(kindOf(() => readZip(big, limits)), 'too-large')
  const total = zip(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.jpg`, data: Buffer.alloc(1 << 20, i) })))
  t.equal(kindOf(() => readZip(total, limits)), 'too-large')
  const bomb = zip([{ name: 'bomb.jpg', data: Buffer.alloc(4 << 20), size: 100 }])
  t.equal(kindOf(() => readZip(bomb, limits)), 'malformed', 'inflation stops one byte after the declared size')
})

t.test('damaged, unsupported and foreign data is refused with a ZipError kind', async (t) => {
  t.notOk(isZip(Buffer.from('%PDF-1.4')))
  t.equal(kindOf(() => readZip(Buffer.from('not a zip archive, just some text'), limits)), 'not-zip')
  t.equal(kindOf(() => readZip(Buffer.alloc(5), limits)), 'not-zip')
  t.equal(kindOf(() => readZip(zip([{ name: 'x', data: Buffer.from('secret'), flags: 1 }]), limits)), 'unsupported', 'encrypted')
  const bzip = zip([{ name: 'x', data: Buffer.from('abc'), method: 0 }])
  bzip.writeUInt16LE(12, bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10)
  t.equal(kindOf(() => readZip(bzip, limits)), 'unsupported', 'bzip2 method')
  const badCrc = zip([{ name: 'x', data: Buffer.from('abcdef'), method: 0 }])
  badCrc[30 + 1] = 0x7a // change a data byte after the local header and the 1-byte name
  t.equal(kindOf(() => readZip(badCrc, limits)), 'malformed')
  const good = zip([{ name: 'a.jpg', data: Buffer.from('hello world') }, { name: 'b.jpg', data: Buffer.from('again') }])
  for (let cut = 1; cut < good.length - 22; cut += 5) {
    const damaged = Buffer.concat([good.subarray(0, cut), Buffer.alloc(3, 0x41), good.subarray(cut + 3)])
    try {
      readZip(damaged, limits)
    } catch (err) {
      t.ok(err instanceof ZipError, `damaged at ${cut}: ${(err as Error).message}`)
    }
  }
})
