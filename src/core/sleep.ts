/**
 * Waits of real time (latency faults, outbound retries); the virtual clock is src/core/clock.ts.
 *
 * A timer counts from the event loop's cached time, taken when the loop's turn began; after a busy
 * turn that time lags behind, and the timer fires as much early. A latency fault promises the client
 * at least its latency, so the wait is checked against the monotonic clock and topped up.
 */
export async function sleep (ms: number): Promise<void> {
  const until = performance.now() + ms
  for (let left = ms; left > 0; left = until - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)))
  }
}
