/**
 * Calendar dates as Vietnamese documents print them (dd/mm/yyyy), and the date arithmetic the
 * post-checks need (ages, birthdays, "+ 15 years"). Dates are plain day numbers (no time, no zone);
 * "today" is the virtual clock's date in Vietnam (UTC+7, no daylight saving).
 */

export interface Ymd { y: number, m: number, d: number }

/** The value printed on cards without an expiry date (E11, E22). */
export const NO_EXPIRY = 'Không thời hạn'

const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/

function daysIn (y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** Strict dd/mm/yyyy parsing: a real calendar date, or undefined. */
export function parseDmy (text: string): Ymd | undefined {
  const m = DMY.exec(text.trim())
  if (m === null) return undefined
  const d = Number(m[1])
  const mo = Number(m[2])
  const y = Number(m[3])
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || y < 1800) return undefined
  return { y, m: mo, d }
}

export function formatDmy (v: Ymd): string {
  return `${String(v.d).padStart(2, '0')}/${String(v.m).padStart(2, '0')}/${String(v.y).padStart(4, '0')}`
}

/** Whether a DoE value says "no expiry" (case and surrounding spaces ignored). */
export function isNoExpiry (text: string): boolean {
  return text.trim().normalize('NFC').toLocaleLowerCase('vi') === NO_EXPIRY.normalize('NFC').toLocaleLowerCase('vi')
}

/** Days since 1970-01-01. */
export function toDay (v: Ymd): number {
  return Math.floor(Date.UTC(v.y, v.m - 1, v.d) / 86_400_000)
}

export function fromDay (day: number): Ymd {
  const date = new Date(day * 86_400_000)
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() }
}

export function compare (a: Ymd, b: Ymd): number {
  return toDay(a) - toDay(b)
}

/** The same day n years later; 29 February becomes 28 February in a common year. */
export function addYears (v: Ymd, n: number): Ymd {
  const y = v.y + n
  return { y, m: v.m, d: Math.min(v.d, daysIn(y, v.m)) }
}

/** Full years of age on `at`. */
export function ageOn (birth: Ymd, at: Ymd): number {
  let age = at.y - birth.y
  if (at.m < birth.m || (at.m === birth.m && at.d < birth.d)) age--
  return age
}

/** Today in Vietnam (UTC+7) for a virtual-clock instant. */
export function vietnamToday (nowMs: number): Ymd {
  return fromDay(Math.floor((nowMs + 7 * 3_600_000) / 86_400_000))
}
