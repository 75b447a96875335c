/**
 * The upload load of the health measurement (issue 11, point 6), in its own process so that writing
 * megabytes never delays the health probe in the parent. Each client is one keep-alive connection
 * sending the same request again and again:
 *   gtriip  POST /gtriip/liveness/, a ~5 MB 8 MP JPEG as multipart `image`;
 *   oz      POST /oz/v1/face/pattern/extract, the same JPEG as the raw body (image/jpeg);
 *   riset   POST /riset/liveness-api/verify-face-liveness, JSON with the JPEG in base64 as many
 *           times as needed to go above Riset's 64 MiB body limit (src/vendors/riset/index.ts: nine 4 MiB
 *           images as base64 fit below it), so the sandbox must refuse it unread.
 * IPC: the parent sends {go: {gtriip, oz, riset}} (client counts), then {stop: true}; the child
 * answers {ready}, then {tally} once every client has finished its request in flight (or after 15 s,
 * by closing their connections).
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { exchange, type Exchange } from './http.js'
import { largeJpeg, multipart, oversizeRisetBody } from './images.js'

export type StreamName = 'gtriip' | 'oz' | 'riset'
export type Streams = Partial<Record<StreamName, number>>
export interface StreamTally { answers: Record<string, number>, errors: Record<string, number> }
export type Tally = Partial<Record<StreamName, StreamTally>>
export type FromUploader = { ready: { jpegBytes: number, risetBytes: number } } | { tally: Tally }
export type ToUploader = { go: Streams } | { stop: true }

const RISET_LIMIT = 64 * 1024 * 1024

function requests (jpeg: Buffer): Record<StreamName, Exchange> {
  const mp = multipart('image', jpeg, 'photo.jpg')
  return {
    gtriip: { method: 'POST', path: '/gtriip/liveness/', headers: { 'content-type': mp.type, 'x-api-key': 'bench-key' }, body: mp.body },
    oz: { method: 'POST', path: '/oz/v1/face/pattern/extract', headers: { 'content-type': 'image/jpeg' }, body: jpeg },
    riset: {
      method: 'POST',
      path: '/riset/liveness-api/verify-face-liveness',
      headers: { 'content-type': 'application/json', accesstoken: 'bench-token' },
      body: oversizeRisetBody(jpeg, RISET_LIMIT)
    }
  }
}

const count = (bag: Record<string, number>, key: string): void => { bag[key] = (bag[key] ?? 0) + 1 }

class Load {
  private stopping = false
  private readonly agents: http.Agent[] = []
  private readonly clients: Array<Promise<void>> = []
  readonly tally: Tally = {}

  constructor (private readonly url: string, private readonly reqs: Record<StreamName, Exchange>) {}

  start (streams: Streams): void {
    for (const [name, n] of Object.entries(streams) as Array<[StreamName, number]>) {
      const t: StreamTally = (this.tally[name] = { answers: {}, errors: {} })
      for (let i = 0; i < n; i++) this.clients.push(this.client(this.reqs[name], t))
    }
  }

  private async client (ex: Exchange, t: StreamTally): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    this.agents.push(agent)
    while (!this.stopping) {
      try {
        count(t.answers, String((await exchange(this.url, ex, agent)).status))
      } catch (err) {
        count(t.errors, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
        await sleep(20)
      }
    }
    agent.destroy()
  }

  async stop (): Promise<Tally> {
    this.stopping = true
    const all = Promise.all(this.clients)
    if (await Promise.race([all.then(() => true), sleep(15_000, false)]) === false) {
      for (const a of this.agents) a.destroy()
    }
    await all
    return this.tally
  }
}

async function main (): Promise<void> {
  const url = process.argv[2] ?? ''
  const jpeg = await largeJpeg()
  const reqs = requests(jpeg)
  const send = (m: FromUploader): void => { process.send?.(m) }
  let load: Load | undefined
  process.on('message', (m: ToUploader) => {
    if ('go' in m) {
      load = new Load(url, reqs)
      load.start(m.go)
    } else {
      load?.stop().then((tally) => send({ tally }), (err: unknown) => { throw err })
    }
  })
  send({ ready: { jpegBytes: jpeg.length, risetBytes: reqs.riset.body?.length ?? 0 } })
}

main().catch((err: unknown) => { console.error(err); process.exit(1) })
