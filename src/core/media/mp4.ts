/**
 * MP4 / QuickTime metadata without a decoder: duration, frame rate, width and height, read from the
 * container's boxes (ISO/IEC 14496-12): moov/mvhd (movie timescale and duration), and for each
 * trak: tkhd (presentation width/height, 16.16 fixed point), mdia/hdlr (handler "vide" marks the
 * video track), mdia/mdhd (track timescale and duration) and mdia/minf/stbl/stts (sample counts:
 * the number of frames). No frame is ever decoded. Dependency-free; every read is bounds-checked,
 * so a damaged or hostile file gives an Mp4Error, never an exception of another kind.
 */
import { KindError } from '../errors.js'

export type Mp4ErrorKind =
  | 'not-mp4' // no ftyp/moov box where an MP4 starts
  | 'malformed' // box sizes or fields that do not fit in the file
  | 'no-video' // a valid container without a video track

export class Mp4Error extends KindError<Mp4ErrorKind> {}

export interface Mp4Info {
  /** Seconds (movie duration; the video track's when the movie header has none). */
  duration: number
  /** Frames per second of the video track (samples / track duration); 0 when the track has no duration. */
  fps: number
  /** Number of video samples (frames). */
  frames: number
  width: number
  height: number
  /** The ftyp major brand, e.g. "isom", "mp42", "qt  ". */
  brand: string | undefined
}

interface Box { type: string, start: number, contentStart: number, end: number }

/** Most boxes walked in one file: a real MP4 has a few hundred; more is a hostile file. */
const MAX_BOXES = 10_000

/** Whether the bytes look like an MP4/QuickTime file (an ftyp box first). */
export function isMp4 (bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp'
}

class Reader {
  boxes = 0
  constructor (readonly b: Buffer) {}

  need (offset: number, length: number, what: string): void {
    if (offset < 0 || offset + length > this.b.length) throw new Mp4Error('malformed', `${what} runs past the end of the file`)
  }

  u8 (o: number): number { this.need(o, 1, 'a field'); return this.b.readUInt8(o) }
  u16 (o: number): number { this.need(o, 2, 'a field'); return this.b.readUInt16BE(o) }
  u32 (o: number): number { this.need(o, 4, 'a field'); return this.b.readUInt32BE(o) }
  u64 (o: number): number {
    this.need(o, 8, 'a field')
    const v = this.b.readBigUInt64BE(o)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Mp4Error('malformed', 'a 64-bit field is too large')
    return Number(v)
  }

  /** The boxes between start and end, in order. */
  children (start: number, end: number): Box[] {
    const out: Box[] = []
    let i = start
    while (i + 8 <= end) {
      if (++this.boxes > MAX_BOXES) throw new Mp4Error('malformed', `more than ${MAX_BOXES} boxes`)
      let size = this.u32(i)
      const type = this.b.toString('latin1', i + 4, i + 8)
      let header = 8
      if (size === 1) {
        size = this.u64(i + 8)
        header = 16
      } else if (size === 0) {
        size = end - i // the last box extends to the end of its container
      }
      if (size < header || i + size > end) throw new Mp4Error('malformed', `box "${type}" at ${i} has a size (${size}) that does not fit`)
      out.push({ type, start: i, contentStart: i + header, end: i + size })
      i += size
    }
    return out
  }

  child (parent: Box, type: string): Box | undefined {
    return this.children(parent.contentStart, parent.end).find((c) => c.type === type)
  }
}

interface Track { handler: string, width: number, height: number, timescale: number, duration: number, samples: number }

function readTrack (r: Reader, trak: Box): Track {
  const t: Track = { handler: '', width: 0, height: 0, timescale: 0, duration: 0, samples: 0 }
  const tkhd = r.child(trak, 'tkhd')
  if (tkhd !== undefined) {
    const c = tkhd.contentStart
    const widthAt = r.u8(c) === 1 ? c + 88 : c + 76
    t.width = Math.floor(r.u32(widthAt) / 65536)
    t.height = Math.floor(r.u32(widthAt + 4) / 65536)
  }
  const mdia = r.child(trak, 'mdia')
  if (mdia === undefined) return t
  const hdlr = r.child(mdia, 'hdlr')
  if (hdlr !== undefined) {
    r.need(hdlr.contentStart + 8, 4, 'hdlr handler type')
    t.handler = r.b.toString('latin1', hdlr.contentStart + 8, hdlr.contentStart + 12)
  }
  const mdhd = r.child(mdia, 'mdhd')
  if (mdhd !== undefined) {
    const c = mdhd.contentStart
    if (r.u8(c) === 1) {
      t.timescale = r.u32(c + 20)
      t.duration = r.u64(c + 24)
    } else {
      t.timescale = r.u32(c + 12)
      t.duration = r.u32(c + 16)
    }
  }
  const minf = r.child(mdia, 'minf')
  const stbl = minf === undefined ? undefined : r.child(minf, 'stbl')
  const stts = stbl === undefined ? undefined : r.child(stbl, 'stts')
  if (stts !== undefined) {
    const count = r.u32(stts.contentStart + 4)
    r.need(stts.contentStart + 8, count * 8, 'stts entries')
    if (stts.contentStart + 8 + count * 8 > stts.end) throw new Mp4Error('malformed', 'stts entries run past their box')
    for (let k = 0; k < count; k++) t.samples += r.u32(stts.contentStart + 8 + k * 8)
  }
  return t
}

/** Read the metadata of an MP4/QuickTime file. */
export function readMp4 (bytes: Buffer): Mp4Info {
  if (!isMp4(bytes)) throw new Mp4Error('not-mp4', 'the file does not start with an MP4 ftyp box')
  const r = new Reader(bytes)
  const top = r.children(0, bytes.length)
  const ftyp = top[0] as Box
  const brand = ftyp.end - ftyp.contentStart >= 4 ? bytes.toString('latin1', ftyp.contentStart, ftyp.contentStart + 4) : undefined
  const moov = top.find((b) => b.type === 'moov')
  if (moov === undefined) throw new Mp4Error('malformed', 'the file has no moov box (movie header)')

  let movieDuration = 0
  const mvhd = r.child(moov, 'mvhd')
  if (mvhd !== undefined) {
    const c = mvhd.contentStart
    const [timescale, duration] = r.u8(c) === 1 ? [r.u32(c + 20), r.u64(c + 24)] : [r.u32(c + 12), r.u32(c + 16)]
    if (timescale > 0) movieDuration = duration / timescale
  }

  const tracks = r.children(moov.contentStart, moov.end).filter((b) => b.type === 'trak').map((b) => readTrack(r, b))
  const video = tracks.find((t) => t.handler === 'vide')
  if (video === undefined) throw new Mp4Error('no-video', 'the file has no video track')
  const trackSeconds = video.timescale > 0 ? video.duration / video.timescale : 0
  return {
    duration: movieDuration > 0 ? movieDuration : trackSeconds,
    fps: trackSeconds > 0 ? video.samples / trackSeconds : 0,
    frames: video.samples,
    width: video.width,
    height: video.height,
    brand
  }
}
