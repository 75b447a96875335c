/**
 * Small readings of an HTTP request that every vendor needs the same way. Plain functions of plain
 * values (header maps, URLs), so services and tests can use them without Fastify.
 */

export type HeaderMap = Record<string, string | string[] | undefined>

/** The first value of a header, or undefined when it is absent or empty (repeated headers: the first wins). */
export function header (headers: HeaderMap, name: string): string | undefined {
  const v = headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined || s === '' ? undefined : s
}

/** The first of several spellings of a header that is present (e.g. `api-key`, then `api_key`). */
export function anyHeader (headers: HeaderMap, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = header(headers, name)
    if (v !== undefined) return v
  }
  return undefined
}

/** The path of a request URL, without its query string. */
export function pathOf (url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

/** The media type of a Content-Type value, lower case, without parameters ('' when absent). */
export function mediaTypeOf (contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}
