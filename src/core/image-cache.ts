/**
 * A bounded least-recently-used map: at most `maxEntries` entries and `maxBytes` in all (each
 * entry's size as `sizeOf` tells). Images use it to remember what decoding identical bytes gave
 * (test suites send the same fixture images again and again); identical bytes give identical
 * results, so a hit answers exactly as a decoding would.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V, bytes: number }>()
  private total = 0

  constructor (
    private readonly maxEntries: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly sizeOf: (value: V) => number = () => 0
  ) {}

  get size (): number { return this.map.size }

  /** Bytes held, as sizeOf counts them. */
  get bytes (): number { return this.total }

  get (key: K): V | undefined {
    const e = this.map.get(key)
    if (e === undefined) return undefined
    // Most recently used last: Map keeps insertion order.
    this.map.delete(key)
    this.map.set(key, e)
    return e.value
  }

  /** Remember the value; an entry larger than the whole budget is not kept. */
  set (key: K, value: V): void {
    this.delete(key)
    const bytes = this.sizeOf(value)
    if (bytes > this.maxBytes || this.maxEntries <= 0) return
    this.map.set(key, { value, bytes })
    this.total += bytes
    for (const [k, e] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxBytes) break
      this.map.delete(k)
      this.total -= e.bytes
    }
  }

  delete (key: K): void {
    const e = this.map.get(key)
    if (e === undefined) return
    this.map.delete(key)
    this.total -= e.bytes
  }

  clear (): void {
    this.map.clear()
    this.total = 0
  }
}
