/**
 * ZIP archives (PKWARE APPNOTE), read whole from memory without a dependency: the end-of-central-
 * directory record, the central directory, each local header, then the entry's data, stored
 * (method 0) or deflated (method 8, node:zlib inflateRawSync with a bounded output). Sizes come from
 * the central directory, so entries written with data descriptors (bit 3) read as well. ZIP64,
 * encryption, split archives and other compression methods are refused with a ZipError.
 *
 * Limits are explicit (entry count, bytes per entry, bytes in all): a zip bomb stops at the limit,
 * not when memory runs out. Every entry's CRC-32 is checked.
 */
import { crc32, inflateRawSync } from 'node:zlib'
import { KindError } from '../errors.js'

export type ZipErrorKind =
  | 'not-zip' // no end-of-central-directory record
  | 'malformed' // records that do not fit, or a CRC mismatch
  | 'unsupported' // ZIP64, encryption, multi-disk, a compression method other than stored/deflate
  | 'too-large' // an entry or the whole archive above the limits
  | 'too-many-entries'

export class ZipError extends KindError<ZipErrorKind> {}

export interface ZipLimits {
  /** Most file entries (directories do not count). */
  maxEntries: number
  /** Largest uncompressed entry, in bytes. */
  maxEntryBytes: number
  /** Largest sum of uncompressed entries, in bytes. */
  maxTotalBytes: number
}

export interface ZipEntry {
  /** The path inside the archive, as stored (UTF-8 when flagged, else read as latin1). */
  name: string
  data: Buffer
}

const EOCD_SIG = 0x06054b50
const CEN_SIG = 0x02014b50
const LOC_SIG = 0x04034b50

/** Whether the bytes start like a ZIP archive (a local file header, or the record of an empty archive). */
export function isZip (bytes: Buffer): boolean {
  return bytes.length >= 4 && (bytes.readUInt32LE(0) === LOC_SIG || bytes.readUInt32LE(0) === EOCD_SIG)
}

function findEocd (b: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const stop = Math.max(0, b.length - 22 - 0xffff)
  for (let i = b.length - 22; i >= stop; i--) {
    if (b.readUInt32LE(i) === EOCD_SIG && i + 22 + b.readUInt16LE(i + 20) <= b.length) return i
  }
  return -1
}

/** Read every file entry of the archive, in central-directory order. */
export function readZip (bytes: Buffer, limits: ZipLimits): ZipEntry[] {
  if (bytes.length < 22) throw new ZipError('not-zip', 'too short to be a ZIP archive')
  const eocd = findEocd(bytes)
  if (eocd < 0) throw new ZipError('not-zip', 'no end-of-central-directory record')
  const disk = bytes.readUInt16LE(eocd + 4)
  const cdDisk = bytes.readUInt16LE(eocd + 6)
  const total = bytes.readUInt16LE(eocd + 10)
  const cdSize = bytes.readUInt32LE(eocd + 12)
  const cdOffset = bytes.readUInt32LE(eocd + 16)
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError('unsupported', 'ZIP64 archives are not supported')
  if (disk !== 0 || cdDisk !== 0) throw new ZipError('unsupported', 'split (multi-disk) archives are not supported')
  if (cdOffset + cdSize > eocd) throw new ZipError('malformed', 'the central directory does not fit before its end record')

  const out: ZipEntry[] = []
  let sum = 0
  let p = cdOffset
  for (let n = 0; n < total; n++) {
    if (p + 46 > eocd || bytes.readUInt32LE(p) !== CEN_SIG) throw new ZipError('malformed', `central directory entry ${n + 1} is damaged`)
    const flags = bytes.readUInt16LE(p + 8)
    const method = bytes.readUInt16LE(p + 10)
    const crc = bytes.readUInt32LE(p + 16)
    const compSize = bytes.readUInt32LE(p + 20)
    const size = bytes.readUInt32LE(p + 24)
    const nameLen = bytes.readUInt16LE(p + 28)
    const extraLen = bytes.readUInt16LE(p + 30)
    const commentLen = bytes.readUInt16LE(p + 32)
    const local = bytes.readUInt32LE(p + 42)
    if (p + 46 + nameLen > eocd) throw new ZipError('malformed', `central directory entry ${n + 1} is damaged`)
    const name = bytes.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen)
    p += 46 + nameLen + extraLen + commentLen
    if (name.endsWith('/')) continue // a directory
    if ((flags & 0x1) !== 0) throw new ZipError('unsupported', `"${name}" is encrypted`)
    if (compSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new ZipError('unsupported', 'ZIP64 archives are not supported')
    if (out.length >= limits.maxEntries) throw new ZipError('too-many-entries', `more than ${limits.maxEntries} files in the archive`)
    if (size > limits.maxEntryBytes) throw new ZipError('too-large', `"${name}" has ${size} bytes; at most ${limits.maxEntryBytes} are accepted`)
    sum += size
    if (sum > limits.maxTotalBytes) throw new ZipError('too-large', `the archive holds more than ${limits.maxTotalBytes} bytes`)

    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOC_SIG) throw new ZipError('malformed', `the local header of "${name}" is damaged`)
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
    if (start + compSize > bytes.length) throw new ZipError('malformed', `the data of "${name}" runs past the end of the archive`)
    const raw = bytes.subarray(start, start + compSize)
    let data: Buffer
    if (method === 0) {
      data = raw
    } else if (method === 8) {
      try {
        // One byte more than announced: an entry that inflates past its declared size is caught below.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1) })
      } catch (err) {
        throw new ZipError('malformed', `"${name}" cannot be inflated (${(err as Error).message})`)
      }
    } else {
      throw new ZipError('unsupported', `"${name}" uses compression method ${method}; only stored (0) and deflate (8) are supported`)
    }
    if (data.length !== size) throw new ZipError('malformed', `"${name}" has ${data.length} bytes, its header says ${size}`)
    if (crc32(data) >>> 0 !== crc) throw new ZipError('malformed', `"${name}" fails its CRC-32 check`)
    out.push({ name, data })
  }
  return out
}
