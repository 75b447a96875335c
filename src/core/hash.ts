/** sha256 of bytes, hex: how the sandbox names a binary payload everywhere (journal, images). */
import { createHash } from 'node:crypto'

export function sha256Hex (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
