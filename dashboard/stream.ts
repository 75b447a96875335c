/**
 * The journal's live feed (GET /__admin/requests/stream), read with fetch rather than EventSource so
 * the admin token travels in the Authorization header, never in a URL. Parses server-sent events,
 * reconnects after a dropped connection (with back-off), and stops for good on a refusal (4xx), whose
 * message is reported.
 */
export interface StreamHandlers {
  /** `ready` (subscribed: load what came before), `request`, `cleared`. */
  event: (name: string, data: unknown) => void
  /** The connection state, for the page's indicator; `error` carries the reason. */
  status: (state: 'connecting' | 'live' | 'retrying' | 'refused', error?: string) => void
}

function parseBlock (block: string): { name: string, data: string } | undefined {
  let name = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const i = line.indexOf(':')
    const field = i === -1 ? line : line.slice(0, i)
    const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '')
    if (field === 'event') name = value
    else if (field === 'data') data.push(value)
  }
  return data.length === 0 ? undefined : { name, data: data.join('\n') }
}

async function readEvents (res: Response, h: StreamHandlers, signal: AbortSignal): Promise<void> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  while (!signal.aborted) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
    let cut: number
    while ((cut = buffer.indexOf('\n\n')) !== -1) {
      const ev = parseBlock(buffer.slice(0, cut))
      buffer = buffer.slice(cut + 2)
      if (ev === undefined) continue
      let data: unknown = ev.data
      try { data = JSON.parse(ev.data) } catch {}
      h.event(ev.name, data)
    }
  }
}

/** Open the feed; returns a function that closes it. */
export function openStream (url: string, headers: () => Record<string, string>, h: StreamHandlers): () => void {
  const ctl = new AbortController()
  let delay = 500
  const run = async (): Promise<void> => {
    while (!ctl.signal.aborted) {
      h.status(delay === 500 ? 'connecting' : 'retrying')
      try {
        const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers() }, signal: ctl.signal, cache: 'no-store' })
        if (res.status >= 400 && res.status < 500) {
          const body = await res.json().catch(() => null) as { sandbox_error?: { message?: string } } | null
          h.status('refused', body?.sandbox_error?.message ?? `HTTP ${res.status}`)
          return
        }
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`)
        h.status('live')
        delay = 500
        await readEvents(res, h, ctl.signal)
      } catch (err) {
        if (ctl.signal.aborted) return
        h.status('retrying', (err as Error).message)
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, 5000)
    }
  }
  run().catch(() => {})
  return () => ctl.abort()
}
