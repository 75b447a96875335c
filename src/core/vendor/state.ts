/**
 * A vendor's live state in a namespace, for the admin API and the dashboard: what the vendor's
 * `store.inspect` makes of its own store and of what core holds for it (callbacks in flight).
 * Read-only; nothing here changes state.
 */
import type { Outbound } from '../outbound.js'
import type { StateItem, VendorModule } from './module.js'

export function vendorState<St> (mod: VendorModule<any, St>, store: St, outbound: Outbound, namespace: string, nowMs: number): StateItem[] {
  const inspect = mod.store?.inspect
  if (inspect === undefined) return []
  return inspect(store, namespace, nowMs, { callbacks: outbound.pending(namespace, mod.id) })
}
