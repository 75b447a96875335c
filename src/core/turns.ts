/**
 * Big bodies share the event loop with every other request. A reader that keeps up with its socket
 * lets libuv read that socket again and again within one turn of the loop (up to ~2 MB per socket);
 * with 20 uploads arriving at loopback speed one turn then lasted 100-300 ms, and a health check
 * waited that long (issue 11, point 6). A body reader therefore gives the loop a turn after each
 * TURN_BYTES it consumed: meanwhile the socket's buffer fills, Node stops reading that socket, and
 * the other connections are served.
 */
export const TURN_BYTES = 256 * 1024

/** Bytes a reader consumed since it last gave the loop a turn. */
export class TurnBudget {
  private spent = 0

  /** Count `bytes`; true when the reader should give the loop a turn before reading on. */
  spend (bytes: number): boolean {
    this.spent += bytes
    if (this.spent < TURN_BYTES) return false
    this.spent = 0
    return true
  }
}

/** Resolves on the next turn of the event loop, after pending I/O. */
export async function nextTurn (): Promise<void> {
  await new Promise<void>((resolve) => { setImmediate(resolve) })
}
