/**
 * Server start to first 200: from spawning `node <script>` to the first 200 of GET /__admin/health,
 * polled every 2 ms from the moment the process prints its `listening on` line. The sandbox starts
 * from the built CLI with a fresh SQLite file each time (its default store is a file); the floor is
 * bare Fastify with @fastify/multipart and sharp loaded, the same modules the sandbox needs to
 * serve the same routes. Median of `starts` runs each.
 */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { exchange } from './http.js'
import { startFloor, startSandbox, stop, type Running } from './procs.js'

export interface Startup {
  medianMs: number
  runsMs: number[]
}

async function firstOk (running: Running): Promise<void> {
  for (;;) {
    try {
      if ((await exchange(running.url, { method: 'GET', path: '/__admin/health' })).status === 200) return
    } catch { /* not accepting yet */ }
    await sleep(2)
  }
}

async function timeOne (start: () => Promise<Running>): Promise<number> {
  const t0 = performance.now()
  const running = await start()
  try {
    await firstOk(running)
    return performance.now() - t0
  } finally {
    await stop(running)
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] as number : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}

async function series (starts: number, start: (i: number) => Promise<Running>): Promise<Startup> {
  const runsMs: number[] = []
  for (let i = 0; i < starts; i++) runsMs.push(await timeOne(async () => await start(i)))
  return { medianMs: median(runsMs), runsMs }
}

export async function measureStartup (tmp: string, floorScript: string, starts: number): Promise<{ sandbox: Startup, floor: Startup }> {
  const sandbox = await series(starts, async (i) => await startSandbox(join(tmp, `start-${i}.db`)))
  const floor = await series(starts, async () => await startFloor(floorScript))
  return { sandbox, floor }
}
