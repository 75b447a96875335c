/**
 * waitForRequest's engine. The journal is queried once; after that the live journal feed
 * (`GET /__admin/requests/stream`, server-sent events `request` whose data is a journal entry)
 * brings each new entry as it is written, so nothing polls the database. The feed is opened before
 * the query, and its events are kept from the start, so an entry written in between is not missed.
 */
import type { IncomingMessage } from 'node:http'
import type { SandboxClient } from './client.js'
import { queryString } from './client.js'
import { NotASandboxError, SandboxError } from './errors.js'
import { openStream, sseParser } from './http.js'
import type { JournalEntry, RequestFilter } from './types.js'

const TIMEOUT = Symbol('timeout')
const DONE = Symbol('done')

export function matchesFilter (e: JournalEntry, f: RequestFilter): boolean {
  return (f.vendor === undefined || e.vendor === f.vendor) &&
    (f.operation === undefined || e.operation === f.operation) &&
    (f.scenario === undefined || e.scenario === f.scenario) &&
    (f.status === undefined || e.status === f.status)
}

function aborted (signal: AbortSignal): Promise<never> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

/** The feed's entries, kept from the moment it opened until someone takes a matching one. */
class Feed {
  private readonly seen: JournalEntry[] = []
  private wake: (() => void) | undefined
  private ended: Error | undefined

  constructor (res: IncomingMessage, url: string) {
    res.setEncoding('utf8')
    const feed = sseParser((e) => {
      if (e.event !== 'request') return
      try {
        this.seen.push(JSON.parse(e.data) as JournalEntry)
      } catch {
        return
      }
      this.wake?.()
    })
    res.on('data', feed)
    const end = (err?: Error): void => {
      this.ended ??= new NotASandboxError(url, `the live journal feed ended${err === undefined ? '' : ` (${err.message})`}`)
      this.wake?.()
    }
    res.on('end', () => end())
    res.on('error', end)
  }

  async first (matches: (e: JournalEntry) => boolean, signal: AbortSignal): Promise<JournalEntry> {
    const stop = aborted(signal)
    stop.catch(() => {})
    for (;;) {
      const hit = this.seen.find(matches)
      if (hit !== undefined) return hit
      this.seen.length = 0
      if (this.ended !== undefined) throw this.ended
      await Promise.race([new Promise<void>((resolve) => { this.wake = resolve }), stop])
    }
  }
}

/** Opens the feed; a sandbox without one is not a sandbox this client can wait on. */
async function follow (client: SandboxClient, filter: RequestFilter, signal: AbortSignal): Promise<Feed> {
  const url = new URL(`${client.url}/__admin/requests/stream${queryString(filter)}`)
  const res = await openStream(url, { headers: client.adminHeaders(), ca: client.ca, signal })
  const type = String(res.headers['content-type'] ?? '')
  if (res.statusCode === 200 && type.startsWith('text/event-stream')) return new Feed(res, client.url)
  let body = ''
  res.setEncoding('utf8')
  for await (const chunk of res) body += chunk as string
  let refusal: { code?: unknown, message?: unknown } | undefined
  try {
    refusal = (JSON.parse(body) as { sandbox_error?: { code?: unknown, message?: unknown } }).sandbox_error
  } catch {
    refusal = undefined // not JSON: not a sandbox's answer (said below)
  }
  if (refusal?.code === 'unknown-admin-call') throw new NotASandboxError(client.url, 'it has no live journal feed (GET /__admin/requests/stream): a sandbox older than this client')
  if (refusal !== undefined && typeof refusal.code === 'string') throw new SandboxError(res.statusCode ?? 0, refusal.code, String(refusal.message ?? ''))
  throw new NotASandboxError(client.url, `GET ${url.pathname} answered ${res.statusCode ?? 0} ${type}`)
}

async function search (client: SandboxClient, filter: RequestFilter, predicate: ((e: JournalEntry) => boolean) | undefined, signal: AbortSignal): Promise<JournalEntry> {
  const matches = predicate ?? ((e: JournalEntry) => matchesFilter(e, filter))
  // A predicate is applied here, to everything; a filter also narrows what the sandbox sends.
  const serverFilter = predicate === undefined ? filter : {}
  const query = { ...serverFilter, limit: predicate === undefined ? 1 : 100 }
  const feed = await follow(client, serverFilter, signal)
  const hit = (await client.requests(query)).find(matches)
  if (hit !== undefined) return hit
  if (signal.aborted) throw signal.reason
  return await feed.first(matches, signal)
}

/** The matching entry, or undefined when `timeoutMs` ran out; rejects with `signal`'s reason when it aborts. */
export async function waitForEntry (
  client: SandboxClient,
  filter: RequestFilter,
  predicate: ((e: JournalEntry) => boolean) | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined
): Promise<JournalEntry | undefined> {
  if (signal?.aborted === true) throw signal.reason
  const controller = new AbortController()
  const onAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => controller.abort(TIMEOUT), timeoutMs)
  try {
    return await search(client, filter, predicate, controller.signal)
  } catch (err) {
    // Once stopped, whatever failed on the way (an aborted socket) is the stop's doing: report the stop.
    if (controller.signal.aborted) {
      if (controller.signal.reason === TIMEOUT) return undefined
      throw controller.signal.reason
    }
    throw err
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
    controller.abort(DONE)
  }
}
