/**
 * The namespace's journal, newest first, live: the feed (GET /__admin/requests/stream) is opened
 * first, and once it says `ready` the entries answered before are loaded and merged, so nothing
 * falls between the two. Filters go to the server, for the list and the feed alike.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { filterQuery, type AdminApi, type Client } from './api'
import { EntryDetail } from './detail'
import { openStream } from './stream'
import { NO_FILTERS, type Entry, type Filters, type Scenario } from './types'

const KEEP = 500

type Feed = { state: 'connecting' | 'live' | 'retrying' | 'refused', error?: string | undefined }

function merge (older: Entry[], newer: Entry[]): Entry[] {
  const byId = new Map<number, Entry>()
  for (const e of [...older, ...newer]) byId.set(e.id, e)
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, KEEP)
}

function useJournal (api: AdminApi, client: Client, ns: string, filters: Filters, epoch: number, onActivity: () => void, onError: (e: unknown) => void): { entries: Entry[], feed: Feed } {
  const [entries, setEntries] = useState<Entry[]>([])
  const [feed, setFeed] = useState<Feed>({ state: 'connecting' })
  const activity = useRef(onActivity)
  activity.current = onActivity
  const key = filterQuery(filters)
  useEffect(() => {
    setEntries([])
    let closed = false
    // Entries heard since the latest `ready`: the list loaded then is merged with them, and what came
    // before (a previous connection, maybe to a restarted sandbox) is replaced.
    let fresh: Entry[] = []
    let settle: ReturnType<typeof setTimeout> | undefined
    const touched = (): void => { clearTimeout(settle); settle = setTimeout(() => activity.current(), 250) }
    const close = openStream(`/__admin/requests/stream?${key}`, () => client.headers(ns), {
      status: (state, error) => { if (!closed) setFeed({ state, error }) },
      event: (name, data) => {
        if (closed) return
        if (name === 'ready') {
          fresh = []
          api.requests(ns, filters, 200).then((list) => { if (!closed) setEntries(merge(list, fresh)) }, onError)
        } else if (name === 'request') {
          fresh = merge(fresh, [data as Entry])
          setEntries((cur) => merge(cur, [data as Entry]))
          touched()
        } else if (name === 'cleared') {
          fresh = []
          setEntries([])
          touched()
        }
      }
    })
    return () => { closed = true; clearTimeout(settle); close() }
    // `key` stands for the filters (a new object on every change of any field).
  }, [api, client, ns, key, epoch, onError])
  return { entries, feed }
}

function statusClass (s: number): string {
  return s === 0 ? 's0' : s < 300 ? 's2' : s < 400 ? 's3' : s < 500 ? 's4' : 's5'
}

/** "01-15 09:10:00.000": the date and milliseconds give way on a narrow window (style.css). */
function Time ({ iso }: { iso: string }) {
  return <><span class='date'>{iso.slice(5, 10)} </span>{iso.slice(11, 19)}<span class='ms'>{iso.slice(19, 23)}</span></>
}

interface Props {
  api: AdminApi
  client: Client
  ns: string
  nsError: string | null
  epoch: number
  vendors: string[]
  scenarios: Scenario[]
  onActivity: () => void
  onError: (e: unknown) => void
  onClear: () => void
}

export function Requests ({ api, client, ns, nsError, epoch, vendors, scenarios, onActivity, onError, onClear }: Props) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [applied, setApplied] = useState<Filters>(NO_FILTERS)
  const [selected, setSelected] = useState<number | null>(null)
  useEffect(() => { const t = setTimeout(() => setApplied(filters), 300); return () => clearTimeout(t) }, [filters])
  const { entries, feed } = useJournal(api, client, ns, applied, epoch, onActivity, onError)
  const operations = useMemo(() => {
    const ops = new Set<string>()
    for (const s of scenarios) for (const r of s.rules) if (typeof r.operation === 'string') ops.add(r.operation)
    for (const e of entries) if (e.operation !== null) ops.add(e.operation)
    return [...ops].sort()
  }, [scenarios, entries])
  const entry = entries.find((e) => e.id === selected)
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => setFilters({ ...filters, [k]: e.currentTarget.value })

  return (
    <section class='card requests' aria-labelledby='h-requests'>
      <div class='head'>
        <h2 id='h-requests'>Request journal</h2>
        <span class={`feed ${feed.state}`} title={feed.error}>{nsError !== null ? 'namespace refused' : feed.state === 'refused' ? `feed refused: ${feed.error ?? ''}` : feed.state}</span>
        <button type='button' onClick={onClear} disabled={nsError !== null}>Clear journal</button>
      </div>
      <div class='filters'>
        <div class='field'><label for='f-vendor'>Filter by vendor</label>
          <select id='f-vendor' value={filters.vendor} onChange={set('vendor')}><option value=''>all</option>{vendors.map((v) => <option key={v} value={v}>{v}</option>)}</select>
        </div>
        <div class='field'><label for='f-operation'>Filter by operation</label>
          <input id='f-operation' list='op-list' value={filters.operation} onInput={set('operation')} placeholder='fpt.ocr' />
          <datalist id='op-list'>{operations.map((o) => <option key={o} value={o} />)}</datalist>
        </div>
        <div class='field'><label for='f-status'>Filter by status</label>
          <input id='f-status' type='number' min='0' max='599' value={filters.status} onInput={set('status')} placeholder='400' />
        </div>
        <div class='field'><label for='f-scenario'>Filter by scenario</label>
          <input id='f-scenario' list='sc-list' value={filters.scenario} onInput={set('scenario')} placeholder='gtriip/051-no-face' />
          <datalist id='sc-list'>{scenarios.map((s) => <option key={s.name} value={s.name} />)}</datalist>
        </div>
      </div>
      <JournalTable entries={entries} selected={selected} onSelect={setSelected} />
      {entry !== undefined && <EntryDetail entry={entry} onClose={() => setSelected(null)} />}
    </section>
  )
}

function JournalTable ({ entries, selected, onSelect }: { entries: Entry[], selected: number | null, onSelect: (id: number) => void }) {
  const onKey = (e: KeyboardEvent, id: number): void => {
    const row = e.currentTarget as HTMLTableRowElement
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(id) }
    if (e.key === 'ArrowDown') { e.preventDefault(); (row.nextElementSibling as HTMLElement | null)?.focus() }
    if (e.key === 'ArrowUp') { e.preventDefault(); (row.previousElementSibling as HTMLElement | null)?.focus() }
  }
  // One tab stop for the table (the chosen row, else the newest); arrows move between rows.
  const stop = entries.some((e) => e.id === selected) ? selected : entries[0]?.id
  return (
    <div class='scroll journal'>
      <table aria-label='Requests' class='journal'>
        <thead><tr><th scope='col'>Time</th><th scope='col'>Vendor</th><th scope='col'>Operation</th><th scope='col'>Status</th><th scope='col'>Scenario</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} tabIndex={e.id === stop ? 0 : -1} aria-current={e.id === selected ? 'true' : undefined} class={e.id === selected ? 'sel' : ''} onClick={() => onSelect(e.id)} onKeyDown={(ev) => onKey(ev, e.id)}>
              <td title={e.time}><Time iso={e.time} /></td>
              <td>{e.vendor}</td>
              <td title={`${e.method} ${e.path}`}>{e.operation ?? `${e.method} ${e.path}`}</td>
              <td><span class={`status ${statusClass(e.status)}`}>{e.status === 0 ? '0 dropped' : e.status}</span></td>
              <td>{e.scenario ?? ''}{e.fault !== null && <span class='badge'>fault</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p class='hint empty'>No requests in this namespace yet. Send one to a vendor and it shows up here.</p>}
    </div>
  )
}
