/**
 * The MP4 metadata reader, on tiny files built box by box in the test (ISO/IEC 14496-12 layouts).
 */
import t from 'tap'
import { isMp4, Mp4Error, readMp4 } from '../../../src/core/media/mp4.js'
import { box, ftyp as ftypBox, hdlr, mp4, mvhd, trak, u32, u64 } from './fixtures/builders.js'

/** The kind of the Mp4Error thrown, 'ok' when nothing is thrown. */
function kindOf (fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (err) {
    return err instanceof Mp4Error ? err.kind : `other: ${(err as Error).message}`
  }
}

const ftyp = ftypBox()

t.test('duration, FPS, width and height are read from mvhd, tkhd, mdhd and stts', async (t) => {
  // 3.76 s at 1000 units/s; 86 frames over 3.76 s of track time (timescale 12800) is 22.87 FPS.
  const file = Buffer.concat([
    ftyp,
    box('moov', mvhd(1000, 3760),
      trak({ handler: 'soun', width: 0, height: 0, timescale: 44100, duration: 165816, samples: [[162, 1024]] }),
      trak({ handler: 'vide', width: 960, height: 720, timescale: 12800, duration: 48128, samples: [[80, 560], [6, 560]] })),
    box('mdat', Buffer.alloc(32))
  ])
  t.ok(isMp4(file))
  const info = readMp4(file)
  t.equal(info.duration, 3.76)
  t.equal(info.width, 960)
  t.equal(info.height, 720)
  t.equal(info.frames, 86)
  t.equal(Math.round(info.fps * 100) / 100, 22.87)
  t.equal(info.brand, 'isom')
})

t.test('version 1 (64-bit) headers, a 64-bit box size, and moov after mdat', async (t) => {
  const mdat = Buffer.concat([u32(1), Buffer.from('mdat', 'latin1'), u64(16 + 10), Buffer.alloc(10)])
  const file = Buffer.concat([
    ftyp,
    mdat,
    box('moov', mvhd(600, 1200, 1), trak({ handler: 'vide', width: 1280, height: 720, timescale: 30000, duration: 60000, samples: [[60, 1000]], version: 1 }))
  ])
  const info = readMp4(file)
  t.same({ duration: info.duration, fps: info.fps, width: info.width, height: info.height }, { duration: 2, fps: 30, width: 1280, height: 720 })
})

t.test('a movie header without duration falls back to the video track', async (t) => {
  const file = Buffer.concat([ftyp, box('moov', trak({ handler: 'vide', width: 640, height: 480, timescale: 25, duration: 50, samples: [[50, 1]] }))])
  const info = readMp4(file)
  t.equal(info.duration, 2)
  t.equal(info.fps, 25)
})

t.test('what is not an MP4, or is a damaged one, is refused with an Mp4Error kind', async (t) => {
  t.notOk(isMp4(Buffer.from('GIF89a.........')))
  t.equal(kindOf(() => readMp4(Buffer.from('not an mp4 file at all'))), 'not-mp4')
  t.equal(kindOf(() => readMp4(ftyp)), 'malformed', 'no moov')
  const audioOnly = Buffer.concat([ftyp, box('moov', mvhd(1000, 1000), trak({ handler: 'soun', width: 0, height: 0, timescale: 1000, duration: 1000, samples: [[10, 100]] }))])
  t.equal(kindOf(() => readMp4(audioOnly)), 'no-video')
  const good = Buffer.concat([ftyp, box('moov', mvhd(1000, 1000), trak({ handler: 'vide', width: 64, height: 64, timescale: 1000, duration: 1000, samples: [[10, 100]] }))])
  for (let cut = 13; cut < good.length; cut += 7) {
    try {
      readMp4(good.subarray(0, cut))
    } catch (err) {
      t.ok(err instanceof Mp4Error, `cut at ${cut}: ${(err as Error).message}`)
    }
  }
  const lying = Buffer.from(good)
  lying.writeUInt32BE(0x7fffffff, ftyp.length) // moov claims 2 GB
  t.equal(kindOf(() => readMp4(lying)), 'malformed')
  const hugeStts = Buffer.concat([ftyp, box('moov', box('trak', box('mdia', hdlr('vide'), box('minf', box('stbl', box('stts', u32(0, 0x10000000)))))))])
  t.equal(kindOf(() => readMp4(hugeStts)), 'malformed', 'an entry count larger than the box')
})

t.test('the builder used by vendor tests gives what it was asked for', async (t) => {
  const info = readMp4(mp4({ width: 960, height: 720, seconds: 3.76, frames: 86, brand: 'qt  ' }))
  t.same({ duration: info.duration, width: info.width, height: info.height, frames: info.frames, brand: info.brand }, { duration: 3.76, width: 960, height: 720, frames: 86, brand: 'qt  ' })
  t.equal(Math.round(info.fps * 100) / 100, 22.87)
})
