/**
 * Large bodies and file parts assembled as they arrive. Each chunk is copied into place and hashed
 * when it comes, so that a 5 MB upload never costs the event loop one long piece of work at its end:
 * collecting chunks and joining them afterwards (Buffer.concat into a fresh 5 MB buffer, page faults
 * included, took 1-20 ms per upload on the bench machine) and hashing the whole later (5 ms) held
 * every other request up for that long (issue 11, point 6).
 */
import { createHash, type Hash } from 'node:crypto'
import { rememberSha256 } from './hash.js'

const FIRST_CAPACITY = 64 * 1024

export class Assembler {
  private buf: Buffer
  private length = 0
  private readonly hash: Hash = createHash('sha256')

  /**
   * @param expected the size announced (a Content-Length), when there is one: the buffer is taken
   *   that large at once (its pages are only touched as bytes arrive).
   * @param limit the most bytes that will be accepted: the buffer never grows beyond it.
   */
  constructor (expected: number | undefined, private readonly limit: number) {
    const first = expected !== undefined && Number.isFinite(expected) && expected > 0 ? expected : FIRST_CAPACITY
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.min(first, limit)))
  }

  /** Bytes received so far. */
  get received (): number { return this.length }

  push (chunk: Buffer): void {
    const need = this.length + chunk.length
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, Math.min(this.limit, this.buf.length * 2)))
      this.buf.copy(grown, 0, 0, this.length)
      this.buf = grown
    }
    chunk.copy(this.buf, this.length)
    this.length = need
    this.hash.update(chunk)
  }

  /** The bytes, their sha256 already known to hash.ts. A buffer taken much larger than needed is given back. */
  bytes (): Buffer {
    const out = this.length * 2 < this.buf.length ? Buffer.from(this.buf.subarray(0, this.length)) : this.buf.subarray(0, this.length)
    rememberSha256(out, this.hash.digest('hex'))
    return out
  }
}
