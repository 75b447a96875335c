/**
 * Shapes of the admin API's answers: the types generated from /openapi/admin.json (types/admin.d.ts,
 * kept current by `npm run types:check`), so the page is checked against what the API documents.
 */
import type { components, operations } from '../types/admin'

type Schemas = components['schemas']
type Ok<Op extends 'admin.namespaces' | 'admin.state'> = operations[Op]['responses'][200]['content']['application/json']

export type NamespaceInfo = Ok<'admin.namespaces'>['namespaces'][number]

export type Scenario = Schemas['SandboxScenario']

export type Active = Record<string, string>

export type Clock = Schemas['SandboxClock']

export type StateItem = Schemas['SandboxStateItem']

export type Scalar = StateItem['fields'][string]

export type StateBody = Ok<'admin.state'>

/** A journal entry; the document leaves request and response open, the page reads these parts of them. */
export type Entry = Omit<Schemas['SandboxJournalEntry'], 'request' | 'response'> & {
  request: { headers?: Record<string, unknown>, query?: Record<string, unknown>, body?: unknown }
  response: { headers?: Record<string, unknown>, body?: unknown }
}

/** Journal filters, as the admin API names them. */
export interface Filters { vendor: string, operation: string, status: string, scenario: string }

export const NO_FILTERS: Filters = { vendor: '', operation: '', status: '', scenario: '' }
