/**
 * What the kit throws besides argument errors (TypeError/RangeError naming the argument): the
 * sandbox's refusals, a URL that is not a sandbox, and a wait that ran out. Each carries the facts
 * a test report needs, so that a failure explains itself.
 */
import type { JournalEntry, RequestFilter } from './types.js'

/** The sandbox refused a call: its own error body `{"sandbox_error":{code,message}}` (CONTRACT.md). */
export class SandboxError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor (status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'SandboxError'
    this.status = status
    this.code = code
    this.details = details
  }
}

/** Nothing answers at the URL, or what answers is not an eKYC sandbox. */
export class NotASandboxError extends Error {
  readonly url: string

  constructor (url: string, reason: string, options?: { cause?: unknown }) {
    super(`${url} is not an eKYC sandbox: ${reason}`, options)
    this.name = 'NotASandboxError'
    this.url = url
  }
}

function describeEntry (e: JournalEntry): string {
  const scenario = e.scenario === null ? '' : ` scenario ${e.scenario}`
  return `  #${e.id} ${e.time} ${e.method} ${e.path} -> ${e.status} ${e.operation ?? '(no operation)'}${scenario}`
}

/** waitForRequest ran out of time; `received` is what the namespace did receive, newest first. */
export class WaitTimeoutError extends Error {
  readonly filter: RequestFilter | string
  readonly namespace: string
  readonly timeoutMs: number
  readonly received: JournalEntry[]

  constructor (filter: RequestFilter | string, namespace: string, timeoutMs: number, received: JournalEntry[]) {
    const what = typeof filter === 'string' ? filter : JSON.stringify(filter)
    const list = received.length === 0
      ? `It received no request at all: does your client send X-Sandbox-Namespace: ${namespace} (client.headers())?`
      : `It received ${received.length}${received.length >= 20 ? ' or more' : ''} (newest first):\n${received.map(describeEntry).join('\n')}`
    super(`waitForRequest: no request matching ${what} reached namespace "${namespace}" within ${timeoutMs} ms. ${list}`)
    this.name = 'WaitTimeoutError'
    this.filter = filter
    this.namespace = namespace
    this.timeoutMs = timeoutMs
    this.received = received
  }
}
