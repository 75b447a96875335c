/** What the namespace holds per vendor (GET /__admin/state), with the time left before each thing expires. */
import { duration } from './format'
import type { Scalar, StateBody, StateItem } from './types'

function left (item: StateItem): string {
  if (item.remaining_seconds === null) return '—'
  return item.remaining_seconds > 0 ? `${duration(item.remaining_seconds)} left` : 'expired'
}

function value (v: Scalar): string {
  return v === null ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)
}

function Item ({ item }: { item: StateItem }) {
  const fields = Object.entries(item.fields).filter(([, v]) => v !== null)
  return (
    <li class='item'>
      <p class='line'>
        <span class='kind'>{item.kind}</span>
        <code class='id' title={item.id}>{item.id}</code>
        <span title={item.expires_at ?? 'does not expire'} class={`left${item.remaining_seconds === 0 ? ' expired' : ''}`}>{left(item)}</span>
      </p>
      <ul class='fields' aria-label='details'>
        {fields.map(([k, v]) => <li key={k}><span>{k.replace(/_/g, ' ')}</span> {value(v)}</li>)}
      </ul>
    </li>
  )
}

export function StatePanel ({ state, vendors }: { state: StateBody | null, vendors: string[] }) {
  const shown = vendors.filter((v) => state?.vendors[v] !== undefined)
  return (
    <section class='card' aria-labelledby='h-state'>
      <h2 id='h-state'>Live state</h2>
      {state === null && <p class='hint'>…</p>}
      {shown.map((v) => {
        const items = state?.vendors[v] ?? []
        return (
          <div key={v} class='vendor-state'>
            <h3>{v} <small>{items.length === 0 ? 'nothing yet' : `${items.length}`}</small></h3>
            {items.length > 0 && <ul class='items' aria-label={`${v} state`}>{items.map((item) => <Item key={`${item.kind}:${item.id}`} item={item} />)}</ul>}
          </div>
        )
      })}
    </section>
  )
}
