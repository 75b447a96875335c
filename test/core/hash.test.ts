import { createHash } from 'node:crypto'
import t from 'tap'
import { sha256Hex, sha256HexAsync } from '../../src/core/hash.js'

const reference = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

t.test('sha256Hex is the sha256 of the bytes, small or large', async (t) => {
  for (const size of [0, 10, 1024, 300_000]) {
    const b = Buffer.alloc(size, size % 251)
    t.equal(sha256Hex(b), reference(b), `${size} bytes`)
  }
})

t.test('the async digest equals the sync one, for one slice or many', async (t) => {
  for (const size of [100, 256 * 1024, 3 * 1024 * 1024 + 7]) {
    const b = Buffer.alloc(size)
    for (let i = 0; i < size; i += 4096) b[i] = i % 255
    t.equal(await sha256HexAsync(b), reference(b), `${size} bytes`)
  }
})

t.test('a large buffer is hashed a slice at a time: other callbacks run before the digest is ready', async (t) => {
  const b = Buffer.alloc(4 * 1024 * 1024, 1)
  let turns = 0
  const tick = (): void => { turns++; if (turns < 1000) setImmediate(tick) }
  setImmediate(tick)
  const digest = await sha256HexAsync(b)
  t.ok(turns >= 8, `${turns} turns of the event loop while hashing 16 slices`)
  t.equal(digest, reference(b))
})

t.test('the digest of a buffer is computed once and remembered for that buffer', async (t) => {
  const b = Buffer.alloc(2 * 1024 * 1024, 7)
  const first = sha256HexAsync(b)
  t.equal(await sha256HexAsync(b), await first, 'concurrent calls agree')
  // Remembered: the buffer's bytes are assumed never to change, so a changed buffer keeps its digest.
  b[0] = 8
  t.equal(sha256Hex(b), await first, 'the remembered digest is given again')
  t.not(sha256Hex(Buffer.from(b)), await first, 'a copy of the changed bytes is hashed afresh')
})
