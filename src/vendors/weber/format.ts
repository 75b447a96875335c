/**
 * Time as the Weber server writes it: Go's time.Time in JSON is RFC 3339 with nanoseconds, trailing
 * zeros of the fraction dropped; the server runs in Asia/Jakarta, so every timestamp carries +07:00
 * (vendor-notes §1.2, e.g. `2021-10-28T21:44:57.828988+07:00`). Jakarta has no daylight saving time,
 * so the offset is constant.
 */

const JAKARTA_MS = 7 * 3600 * 1000

/** RFC 3339 in +07:00 with up to microseconds (`micros` adds sub-millisecond digits, 0-999). */
export function goTime (ms: number, micros = 0): string {
  const iso = new Date(ms + JAKARTA_MS).toISOString() // 2022-01-27T07:03:11.482Z, shifted to Jakarta
  const fraction = (String(((ms % 1000) + 1000) % 1000).padStart(3, '0') + String(micros).padStart(3, '0')).replace(/0+$/, '')
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}+07:00`
}

/** Calendar date parts in Jakarta: what Go's t.Day(), t.Month(), t.Year() give there. */
export function jakartaDate (ms: number): { day: number, month: number, year: number } {
  const d = new Date(ms + JAKARTA_MS)
  return { day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear() }
}

/** YYYY-MM-DD in Jakarta. */
export function jakartaDay (ms: number): string {
  return new Date(ms + JAKARTA_MS).toISOString().slice(0, 10)
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding (the tail of a Nodeflux job id is the base32 of its date). */
export function base32 (text: string): string {
  let bits = ''
  for (const byte of Buffer.from(text, 'utf8')) bits += byte.toString(2).padStart(8, '0')
  let out = ''
  for (let i = 0; i < bits.length; i += 5) out += BASE32[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)]
  return out
}
