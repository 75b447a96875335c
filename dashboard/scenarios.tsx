/** The active scenario per served vendor, and the searchable scenario catalogue. */
import { useMemo, useState } from 'preact/hooks'
import { toYaml } from './format'
import type { Active, Scenario } from './types'

interface SelectsProps {
  vendors: string[]
  scenarios: Scenario[]
  active: Active
  disabled: boolean
  onChoose: (vendor: string, name: string) => void
}

export function ScenarioSelects ({ vendors, scenarios, active, disabled, onChoose }: SelectsProps) {
  return (
    <section class='card' aria-labelledby='h-active'>
      <h2 id='h-active'>Active scenarios</h2>
      <p class='hint'>Applies to every request of the namespace that names no scenario of its own.</p>
      <div class='selects'>
        {vendors.map((v) => {
          const id = `scenario-${v}`
          const value = active[v] ?? 'default'
          return (
            <div key={v} class={`field${value === 'default' ? '' : ' on'}`}>
              <label for={id}>Scenario for {v}</label>
              <select id={id} value={value} disabled={disabled} onChange={(e) => onChoose(v, e.currentTarget.value)}>
                <option value='default'>default</option>
                {scenarios.filter((s) => s.vendor === v).map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
              </select>
            </div>
          )
        })}
      </div>
    </section>
  )
}

/** Name, description and the rules' text (so an error code such as QC03 or 051 finds its scenario). */
function searchText (s: Scenario): string {
  return `${s.name}\n${s.description}\n${JSON.stringify(s.rules)}`.toLowerCase()
}

const PAGE = 40

interface CatalogueProps {
  scenarios: Scenario[]
  active: Active
  disabled: boolean
  onUse: (name: string) => void
}

export function Catalogue ({ scenarios, active, disabled, onUse }: CatalogueProps) {
  const [query, setQuery] = useState('')
  const [limit, setLimit] = useState(PAGE)
  const index = useMemo(() => scenarios.map((s) => ({ s, text: searchText(s) })), [scenarios])
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== '')
  const found = index.filter(({ text }) => terms.every((t) => text.includes(t))).map(({ s }) => s)
  return (
    <section class='card' aria-labelledby='h-catalogue'>
      <h2 id='h-catalogue'>Scenario catalogue</h2>
      <div class='field'>
        <label for='search'>Search scenarios</label>
        <input
          id='search' type='search' value={query} placeholder='name, description or error code (QC03, 051, BPE-003002)'
          aria-controls='catalogue' onInput={(e) => { setQuery(e.currentTarget.value); setLimit(PAGE) }}
        />
      </div>
      <p class='hint' role='status'>{found.length} of {scenarios.length} scenarios</p>
      <ul id='catalogue' class='catalogue'>
        {found.slice(0, limit).map((s) => (
          <li key={s.name}>
            <details open={found.length <= 3}>
              <summary>
                <code>{s.name}</code>
                {active[s.vendor] === s.name && <span class='badge'>active</span>}
                <span class='desc'>{s.description}</span>
              </summary>
              <pre class='rules'>{toYaml({ rules: s.rules })}</pre>
              <p class='meta'>
                <span>{s.file}</span>
                <button type='button' disabled={disabled || active[s.vendor] === s.name} onClick={() => onUse(s.name)} aria-label={`Use ${s.name}`}>Use</button>
              </p>
            </details>
          </li>
        ))}
      </ul>
      {found.length > limit && <button type='button' onClick={() => setLimit(found.length)}>Show all {found.length}</button>}
    </section>
  )
}
