/**
 * Deterministic generated data (CONTRACT.md, "Outcomes": the same request content and seed give the
 * same body). Every value derives from `--seed` and a hash of what the caller passes (the request
 * content, a session id, ...), never from Math.random.
 */
import { createHash } from 'node:crypto'
import type { Faker } from '@faker-js/faker'

/**
 * The locales data is generated in, each loaded on its own (the whole faker package holds every
 * locale: most of a second to load). Each module's `faker` is a Faker of that locale, falling back to
 * English then the base definitions.
 */
const LOCALE_MODULES = {
  en: async () => (await import('@faker-js/faker/locale/en')).faker,
  vi: async () => (await import('@faker-js/faker/locale/vi')).faker,
  id: async () => (await import('@faker-js/faker/locale/id_ID')).faker
} satisfies Record<string, () => Promise<Faker>>

export type FakerLocale = keyof typeof LOCALE_MODULES

/** The generators, once loaded (shared: generate reseeds before every use). */
let fakers: Record<FakerLocale, Faker> | undefined
let loading: Promise<void> | undefined

/** Load the generators (once per process). */
export async function loadGenerators (): Promise<void> {
  loading ??= (async () => {
    const [en, vi, id] = await Promise.all([LOCALE_MODULES.en(), LOCALE_MODULES.vi(), LOCALE_MODULES.id()])
    fakers = { en, vi, id }
  })()
  await loading
}

export type Seedable = string | number | Buffer | undefined | null | boolean

export class Random {
  constructor (readonly seed: number) {}

  /**
   * Load the generators (not at start-up: the server answers first). Resolves at once once loaded;
   * what generates data waits for it (core's vendor scope does, before a vendor request).
   */
  async load (): Promise<void> {
    await loadGenerators()
  }

  get loaded (): boolean {
    return fakers !== undefined
  }

  /** sha256 (hex) of the seed and the parts. */
  hash (...parts: Seedable[]): string {
    const h = createHash('sha256')
    h.update(String(this.seed))
    for (const p of parts) {
      h.update('\u0000')
      if (Buffer.isBuffer(p)) h.update(p)
      else h.update(String(p))
    }
    return h.digest('hex')
  }

  /** A 32-bit integer derived from the seed and the parts. */
  int32 (...parts: Seedable[]): number {
    return Number.parseInt(this.hash(...parts).slice(0, 8), 16)
  }

  /** A number in [0, 1) derived from the seed and the parts. */
  unit (...parts: Seedable[]): number {
    return Number.parseInt(this.hash(...parts).slice(0, 13), 16) / 2 ** 52
  }

  /** A number in [min, max), rounded to `decimals`, derived from the parts. */
  between (min: number, max: number, decimals: number, ...parts: Seedable[]): number {
    const f = 10 ** decimals
    return Math.round((min + (max - min) * this.unit(...parts)) * f) / f
  }

  /**
   * Run `fn` with a Faker seeded from the parts. `fn` must be synchronous: the instance is shared and
   * reseeded on the next call.
   */
  generate<T> (locale: FakerLocale, parts: Seedable[], fn: (faker: Faker) => T extends Promise<unknown> ? never : T): T {
    if (fakers === undefined) throw new Error('generated data asked for before Random.load() resolved')
    const faker = fakers[locale]
    faker.seed(this.int32(...parts))
    return fn(faker)
  }
}
