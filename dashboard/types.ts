/** Shapes of the admin API's answers, as documented at /openapi/admin.json. */

export interface NamespaceInfo { name: string, journal: number, offset_ms: number, active: Record<string, string> }

export interface Scenario { name: string, description: string, vendor: string, file: string, rules: Array<Record<string, unknown>> }

export type Active = Record<string, string>

export interface Clock { now: string, offset_ms: number }

export type Scalar = string | number | boolean | null

export interface StateItem { kind: string, id: string, expires_at: string | null, remaining_seconds: number | null, fields: Record<string, Scalar> }

export interface StateBody { namespace: string, now: string, vendors: Record<string, StateItem[]> }

export interface Entry {
  id: number
  time: string
  vendor: string
  operation: string | null
  method: string
  path: string
  status: number
  scenario: string | null
  fault: Record<string, unknown> | null
  duration_ms: number
  request: { headers?: Record<string, unknown>, query?: Record<string, unknown>, body?: unknown }
  response: { headers?: Record<string, unknown>, body?: unknown }
}

/** Journal filters, as the admin API names them. */
export interface Filters { vendor: string, operation: string, status: string, scenario: string }

export const NO_FILTERS: Filters = { vendor: '', operation: '', status: '', scenario: '' }
