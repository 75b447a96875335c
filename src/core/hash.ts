/**
 * sha256 of bytes, hex: how the sandbox names a binary payload everywhere (journal, images). The
 * digest of a buffer is computed once: it is remembered for that Buffer object (weakly, so it goes
 * with the buffer), and the journal, the image checks and the vendors all reuse it. This assumes a
 * buffer is not changed after it is hashed, as request bodies and their parts never are.
 */
import { createHash, type Hash } from 'node:crypto'

const digests = new WeakMap<Buffer, string>()
const pending = new WeakMap<Buffer, Promise<string>>()

/** Below this, a digest is cheaper than remembering it. */
const MEMO_MIN_BYTES = 1024
/** Bytes hashed between two turns of the event loop in sha256HexAsync (~0.3 ms of work). */
const SLICE_BYTES = 256 * 1024

export function sha256Hex (bytes: Buffer): string {
  if (bytes.length < MEMO_MIN_BYTES) return createHash('sha256').update(bytes).digest('hex')
  let hex = digests.get(bytes)
  if (hex === undefined) {
    hex = createHash('sha256').update(bytes).digest('hex')
    digests.set(bytes, hex)
  }
  return hex
}

/** Remember a digest computed elsewhere (assemble.ts hashes bodies while they stream in). */
export function rememberSha256 (bytes: Buffer, hex: string): void {
  if (bytes.length >= MEMO_MIN_BYTES) digests.set(bytes, hex)
}

// Not turns.ts's nextTurn: this module is part of the test kit's import closure, which stays at
// hash.ts and the journal's redaction (test/kit/names.test.ts).
const nextTurn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

async function sliced (bytes: Buffer): Promise<string> {
  const h: Hash = createHash('sha256')
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    h.update(bytes.subarray(at, at + SLICE_BYTES))
    await nextTurn()
  }
  const hex = h.digest('hex')
  digests.set(bytes, hex)
  return hex
}

/**
 * The same digest, for large buffers: hashed a slice at a time, letting other requests be answered
 * in between (a 5 MB upload is ~5-10 ms of hashing that would otherwise hold the event loop). Node's
 * WebCrypto digest is no help here: it copies and hashes on the calling thread.
 */
export async function sha256HexAsync (bytes: Buffer): Promise<string> {
  if (bytes.length <= SLICE_BYTES) return sha256Hex(bytes)
  const known = digests.get(bytes)
  if (known !== undefined) return known
  let p = pending.get(bytes)
  if (p === undefined) {
    p = sliced(bytes).finally(() => pending.delete(bytes))
    pending.set(bytes, p)
  }
  return await p
}
