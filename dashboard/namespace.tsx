/** The Namespace field (a combobox offering the namespaces that hold state) and Reset namespace. */
import type { NamespaceInfo } from './types'

interface Props {
  value: string
  onInput: (v: string) => void
  namespaces: NamespaceInfo[]
  /** The sandbox's refusal of the name, shown next to the field. */
  error: string | null
  onReset: () => void
}

function describe (n: NamespaceInfo): string {
  const parts = [`${n.journal} request${n.journal === 1 ? '' : 's'}`]
  if (n.offset_ms > 0) parts.push('clock moved')
  const active = Object.values(n.active)
  if (active.length > 0) parts.push(active.join(', '))
  return parts.join(' · ')
}

export function NamespaceBar ({ value, onInput, namespaces, error, onReset }: Props) {
  return (
    <div class='ns'>
      <label for='ns'>Namespace</label>
      <input
        id='ns' list='ns-list' value={value} placeholder='default' spellcheck={false} autoComplete='off'
        aria-invalid={error !== null} aria-describedby='ns-help'
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <datalist id='ns-list'>
        {namespaces.map((n) => <option key={n.name} value={n.name} label={describe(n)} />)}
      </datalist>
      <button type='button' onClick={onReset} disabled={error !== null}>Reset namespace</button>
      <p id='ns-help' class={error === null ? 'hint' : 'error'} role={error === null ? undefined : 'alert'}>
        {error ?? (namespaces.length === 1 ? '1 namespace holds state' : `${namespaces.length} namespaces hold state`)}
      </p>
    </div>
  )
}
