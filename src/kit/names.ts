/**
 * The names a test passes around (vendor ids, namespaces, scenario names, operation ids) and their
 * checks, so that a typo is refused by the kit with the argument named, before any request. Kept
 * free of server imports: a client of a sandbox in Docker loads nothing else.
 * test/kit/names.test.ts keeps these in step with the server (registry, namespace rule).
 */
import { randomUUID } from 'node:crypto'

/** Every vendor the sandbox emulates (CONTRACT.md, "Vendors and where they live"). */
export const VENDOR_IDS = ['weber', 'gtriip', 'fpt', 'riset', 'oz'] as const
export type VendorId = typeof VENDOR_IDS[number]

/** The rule of X-Sandbox-Namespace (src/core/vendor.ts): 1-64 of A-Z a-z 0-9 . _ : -, not starting with a sign. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/

export function isVendorId (value: unknown): value is VendorId {
  return typeof value === 'string' && (VENDOR_IDS as readonly string[]).includes(value)
}

/**
 * A fresh namespace nobody else uses: `<prefix>-<uuid>`. Uniqueness across processes and machines
 * is the point here (parallel test files), hence crypto randomness rather than the sandbox's seed.
 */
export function uniqueNamespace (prefix = 'test'): string {
  const ns = `${prefix}-${randomUUID()}`
  if (!NAMESPACE_PATTERN.test(ns)) throw new TypeError(`uniqueNamespace(prefix): "${prefix}" makes an invalid namespace (letters, digits and . _ : - only; at most 27 characters)`)
  return ns
}

/** Throws a TypeError naming `what` unless `value` is a valid namespace. */
export function checkNamespace (value: unknown, what: string): string {
  if (typeof value !== 'string' || !NAMESPACE_PATTERN.test(value)) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not a namespace (1-64 characters: letters, digits and . _ : -, not first)`)
  }
  return value
}

export function checkVendor (value: unknown, what: string): VendorId {
  if (!isVendorId(value)) throw new TypeError(`${what}: ${JSON.stringify(value)} is not a vendor id (${VENDOR_IDS.join(', ')})`)
  return value
}

/** A scenario name is `<vendor id>/<name>` (CONTRACT.md, "Scenario files"). */
export function checkScenarioName (value: unknown, what: string): string {
  const vendor = typeof value === 'string' ? value.split('/')[0] : undefined
  if (typeof value !== 'string' || !/^[a-z]+\/\S+$/.test(value) || !isVendorId(vendor)) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not a scenario name ("<vendor id>/<name>" with a vendor id of ${VENDOR_IDS.join(', ')}, e.g. "fpt/liveness-fails-twice-then-passes")`)
  }
  return value
}

/** An operation id is `<vendor id>.<name>`, the route's OpenAPI operationId (e.g. `fpt.ocr`). */
export function checkOperation (value: unknown, what: string): string {
  const vendor = typeof value === 'string' ? value.split('.')[0] : undefined
  if (typeof value !== 'string' || !/^[a-z]+\.[A-Za-z0-9_]+$/.test(value) || !isVendorId(vendor)) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not an operation id ("<vendor id>.<name>", e.g. "fpt.ocr"; /openapi/<vendor>.json lists them)`)
  }
  return value
}
