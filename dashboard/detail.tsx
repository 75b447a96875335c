/** One journal entry: request and response (headers, bodies pretty-printed), scenario, fault, and curl. */
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { prettyBody, toCurl } from './format'
import type { Entry } from './types'

function Headers ({ headers }: { headers: Record<string, unknown> | undefined }) {
  const list = Object.entries(headers ?? {})
  if (list.length === 0) return <p class='hint'>(none)</p>
  return (
    <table class='headers'>
      <tbody>{list.map(([k, v]) => <tr key={k}><th scope='row'>{k}</th><td>{Array.isArray(v) ? v.join(', ') : String(v)}</td></tr>)}</tbody>
    </table>
  )
}

function Side ({ title, headers, body, extra }: { title: string, headers: Record<string, unknown> | undefined, body: unknown, extra?: ComponentChildren }) {
  return (
    <section class='side-part' aria-label={title}>
      <h4>{title}</h4>
      {extra}
      <h5>Headers</h5>
      <Headers headers={headers} />
      <h5>Body</h5>
      <pre class='body'>{prettyBody(body)}</pre>
    </section>
  )
}

function CopyCurl ({ entry }: { entry: Entry }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no')
  const text = toCurl(entry, location.origin)
  useEffect(() => setCopied('no'), [entry.id])
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(() => setCopied('yes'), () => setCopied('failed'))
  }
  return (
    <>
      <button type='button' onClick={copy}>Copy as curl</button>
      <span role='status' class='hint'>{copied === 'yes' ? 'Copied to the clipboard' : copied === 'failed' ? 'The browser refused the clipboard: select the command below' : ''}</span>
      {copied === 'failed' && <textarea class='curl' readOnly value={text} aria-label='curl command' rows={6} />}
    </>
  )
}

export function EntryDetail ({ entry, onClose }: { entry: Entry, onClose: () => void }) {
  const query = entry.request.query ?? {}
  return (
    <section class='detail' aria-labelledby='h-detail'>
      <div class='head'>
        <h3 id='h-detail'>{entry.method} {entry.path} → {entry.status === 0 ? 'no answer (0)' : entry.status}</h3>
        <CopyCurl entry={entry} />
        <button type='button' onClick={onClose}>Close</button>
      </div>
      <dl class='meta'>
        <dt>Time</dt><dd>{entry.time}</dd>
        <dt>Operation</dt><dd>{entry.operation ?? '—'}</dd>
        <dt>Duration</dt><dd>{entry.duration_ms} ms</dd>
        <dt>Scenario</dt><dd>{entry.scenario ?? 'none (default outcome)'}</dd>
        <dt>Fault</dt><dd>{entry.fault === null ? 'none' : <code>{JSON.stringify(entry.fault)}</code>}</dd>
      </dl>
      <div class='parts'>
        <Side
          title='Request' headers={entry.request.headers} body={entry.request.body}
          extra={Object.keys(query).length > 0 && <><h5>Query</h5><pre class='body'>{prettyBody(query)}</pre></>}
        />
        <Side title='Response' headers={entry.response.headers} body={entry.response.body} />
      </div>
    </section>
  )
}
