/**
 * Big bodies share the event loop with every other request. A reader that keeps up with its socket
 * lets libuv read that socket again and again within one turn of the loop (up to ~2 MB per socket);
 * with 20 uploads arriving at loopback speed one turn then lasted 100-300 ms, and a health check
 * waited that long (issue 11, point 6). So the body readers share a budget of TURN_BYTES per turn of
 * the loop: once it is spent, a reader gives the loop a turn before reading on. Meanwhile its
 * socket's buffer fills, Node stops reading that socket, and other requests are served. However many
 * uploads arrive at once, one turn copies and hashes at most about TURN_BYTES of them (a few ms).
 */
import type { Readable } from 'node:stream'

export const TURN_BYTES = 512 * 1024

let spent = 0
let resetQueued = false

function reset (): void {
  spent = 0
  resetQueued = false
}

/** Count `bytes` a reader consumed against this turn's shared budget; true when it should give the loop a turn first. */
export function spendTurn (bytes: number): boolean {
  if (!resetQueued) {
    resetQueued = true
    setImmediate(reset)
  }
  spent += bytes
  return spent > TURN_BYTES
}

/** Give the loop a turn from a stream read in flowing mode: paused now, resumed on the next turn. */
export function pauseForTurn (stream: Readable): void {
  stream.pause()
  setImmediate(() => stream.resume())
}

/** Resolves on the next turn of the event loop, after pending I/O. */
export async function nextTurn (): Promise<void> {
  await new Promise<void>((resolve) => { setImmediate(resolve) })
}
