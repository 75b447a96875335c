/**
 * The page: an admin-token gate (with --admin-token), then the dashboard. Every control acts in the
 * namespace named in the Namespace field, through the admin API only (CONTRACT.md, "Dashboard").
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { AdminError, adminApi, createClient, TOKEN_KEY, type AdminApi, type Client } from './api'
import { ClockPanel } from './clock'
import { NamespaceBar } from './namespace'
import { Requests } from './requests'
import { Catalogue, ScenarioSelects } from './scenarios'
import { StatePanel } from './state'
import type { Active, Clock, NamespaceInfo, Scenario, StateBody } from './types'

type Phase = { kind: 'checking' } | { kind: 'prompt', message: string | null } | { kind: 'down', message: string } | { kind: 'ready', vendors: string[], version: string }

function readToken (): string | null {
  try { return sessionStorage.getItem(TOKEN_KEY) } catch { return null }
}

function writeToken (token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, token)
  } catch {}
}

export function App () {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' })
  const token = useRef<string | null>(readToken())
  const client = useMemo(() => createClient(() => token.current, (err) => {
    const message = token.current === null ? null : `Wrong token: the sandbox refused it. It said: ${err.message}`
    token.current = null
    writeToken(null)
    setPhase({ kind: 'prompt', message })
  }), [])
  const api = useMemo(() => adminApi(client), [client])

  const check = useCallback((): void => {
    setPhase({ kind: 'checking' })
    Promise.all([api.health(), api.namespaces()]).then(([health]) => {
      setPhase({ kind: 'ready', vendors: health.vendors, version: health.version })
    }, (err: unknown) => {
      // A 401 has already switched to the token prompt.
      if (!(err instanceof AdminError && err.status === 401)) setPhase({ kind: 'down', message: (err as Error).message })
    })
  }, [api])
  useEffect(check, [check])

  if (phase.kind === 'checking') return <p class='boot' role='status'>Connecting to the sandbox…</p>
  if (phase.kind === 'down') {
    return (
      <main class='fatal' role='alert'>
        <h1>The sandbox did not answer</h1>
        <p>{phase.message}</p>
        <button type='button' onClick={check}>Try again</button>
      </main>
    )
  }
  if (phase.kind === 'prompt') {
    return <TokenPrompt message={phase.message} onToken={(t) => { token.current = t; writeToken(t); check() }} />
  }
  return <Dashboard api={api} client={client} vendors={phase.vendors} version={phase.version} />
}

function TokenPrompt ({ message, onToken }: { message: string | null, onToken: (t: string) => void }) {
  const [value, setValue] = useState('')
  return (
    <main class='prompt'>
      <form onSubmit={(e) => { e.preventDefault(); if (value !== '') onToken(value) }}>
        <h1><Mark /> eKYC vendor sandbox</h1>
        <p>This sandbox was started with <code>--admin-token</code>. Enter the token to use the dashboard; it is kept for this browser session only.</p>
        <label for='admin-token'>Admin token</label>
        <input id='admin-token' type='password' autoComplete='off' required value={value} onInput={(e) => setValue(e.currentTarget.value)} aria-describedby={message === null ? undefined : 'token-error'} />
        <button type='submit'>Use token</button>
        {message !== null && <p id='token-error' class='error' role='alert'>{message}</p>}
      </form>
    </main>
  )
}

export function Mark () {
  return (
    <svg class='mark' viewBox='0 0 36 36' aria-hidden='true' width='28' height='28'>
      <rect x='1.5' y='1.5' width='33' height='33' rx='8' fill='none' stroke='currentColor' stroke-width='3' />
      <circle cx='18' cy='15' r='6' fill='currentColor' />
      <path d='M8 31c1.5-6 5.5-9 10-9s8.5 3 10 9' fill='currentColor' />
    </svg>
  )
}

function initialNamespace (): string {
  const m = /(?:^#|&)ns=([^&]*)/.exec(location.hash)
  return m === null ? 'default' : decodeURIComponent(m[1] ?? '')
}

export interface Notice { kind: 'ok' | 'error', text: string }

interface NsData { clock: Clock | null, state: StateBody | null, active: Active }

const EMPTY: NsData = { clock: null, state: null, active: {} }

/**
 * The namespace's clock, state and active scenarios, and the list of namespaces, refreshed on
 * demand and every 3 s while the page is visible (small calls; the journal is never polled).
 */
function useNamespaceData (api: AdminApi, ns: string, onError: (err: unknown) => void): { data: NsData, namespaces: NamespaceInfo[], nsError: string | null, refresh: () => void } {
  const [data, setData] = useState<NsData>(EMPTY)
  const [namespaces, setNamespaces] = useState<NamespaceInfo[]>([])
  const [nsError, setNsError] = useState<string | null>(null)
  const current = useRef(ns)
  current.current = ns
  const refresh = useCallback(() => {
    api.namespaces().then(setNamespaces, () => {})
    Promise.all([api.clock(ns), api.state(ns), api.active(ns)]).then(([clock, state, active]) => {
      if (current.current !== ns) return
      setData({ clock, state, active })
      setNsError(null)
    }, (err: unknown) => {
      if (current.current !== ns) return
      if (err instanceof AdminError && err.code === 'invalid-namespace') {
        setNsError(err.message)
        setData(EMPTY)
      } else {
        onError(err)
      }
    })
  }, [api, ns, onError])
  useEffect(() => {
    setData(EMPTY)
    refresh()
    const timer = setInterval(() => { if (document.visibilityState === 'visible') refresh() }, 3000)
    const onVisible = (): void => { if (document.visibilityState === 'visible') refresh() }
    document.addEventListener('visibilitychange', onVisible)
    return () => { clearInterval(timer); document.removeEventListener('visibilitychange', onVisible) }
  }, [refresh])
  return { data, namespaces, nsError, refresh }
}

function Dashboard ({ api, client, vendors, version }: { api: AdminApi, client: Client, vendors: string[], version: string }) {
  const [nsInput, setNsInput] = useState(initialNamespace)
  const ns = nsInput.trim() === '' ? 'default' : nsInput.trim()
  const [notice, setNotice] = useState<Notice | null>(null)
  const [scenarios, setScenarios] = useState<Scenario[]>([])
  const [epoch, setEpoch] = useState(0)
  const fail = useCallback((err: unknown) => {
    if (err instanceof AdminError && err.status === 401) return
    setNotice({ kind: 'error', text: err instanceof AdminError ? `${err.code}: ${err.message}` : String(err) })
  }, [])
  const { data, namespaces, nsError, refresh } = useNamespaceData(api, ns, fail)

  useEffect(() => { api.scenarios().then(setScenarios, fail) }, [api, fail])
  useEffect(() => { history.replaceState(null, '', ns === 'default' ? location.pathname : `#ns=${encodeURIComponent(ns)}`) }, [ns])
  useEffect(() => { performance.mark('dashboard:ready') }, [])

  /** Run an admin action in the namespace, then refresh what it may have changed. */
  const act = useCallback((what: string, fn: () => Promise<unknown>): void => {
    fn().then(() => setNotice({ kind: 'ok', text: what }), fail).finally(refresh)
  }, [fail, refresh])

  const resetNamespace = (): void => { act(`Namespace ${ns} reset`, async () => { await api.reset(ns); setEpoch((n) => n + 1) }) }

  return (
    <div class='page'>
      <header class='top'>
        <p class='brand'><Mark /> <span>eKYC vendor sandbox</span> <small>v{version}</small></p>
        <NamespaceBar value={nsInput} onInput={setNsInput} namespaces={namespaces} error={nsError} onReset={resetNamespace} />
        <nav class='links' aria-label='Documentation'><a href='/docs'>API docs</a> <a href='/openapi/admin.json'>admin OpenAPI</a></nav>
      </header>
      <p class={`notice ${notice?.kind ?? ''}`} role='status' aria-live='polite'>
        {notice !== null && <>{notice.text} <button type='button' class='link' onClick={() => setNotice(null)}>Dismiss</button></>}
      </p>
      <main class='grid'>
        <div class='side'>
          <ScenarioSelects
            vendors={vendors} scenarios={scenarios} active={data.active} disabled={nsError !== null}
            onChoose={(vendor, name) => act(name === 'default' ? `${vendor}: back to the default outcomes` : `${vendor}: ${name} active`,
              async () => await (name === 'default' ? api.deactivate(ns, vendor) : api.activate(ns, name)))}
          />
          <ClockPanel
            clock={data.clock} disabled={nsError !== null}
            onAdvance={(s) => act(`Clock advanced by ${s} s`, async () => await api.advance(ns, s))}
            onReset={() => act('Clock back to real time', async () => await api.resetClock(ns))}
          />
          <StatePanel state={data.state} vendors={vendors} />
        </div>
        <div class='wide'>
          <Requests
            api={api} client={client} ns={ns} nsError={nsError} epoch={epoch} vendors={vendors} scenarios={scenarios}
            onActivity={refresh} onError={fail} onClear={() => act('Journal cleared', async () => await api.clearRequests(ns))}
          />
          <Catalogue
            scenarios={scenarios} active={data.active} disabled={nsError !== null}
            onUse={(name) => act(`${name} active`, async () => await api.activate(ns, name))}
          />
        </div>
      </main>
    </div>
  )
}
