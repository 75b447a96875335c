/** The namespace's virtual clock: its time, advance by seconds or a preset, reset. */
import { useState } from 'preact/hooks'
import { offsetText } from './format'
import type { Clock } from './types'

const PRESETS: Array<[string, number]> = [['1 min', 60], ['30 min', 1800], ['1 day', 86400]]

interface Props {
  clock: Clock | null
  disabled: boolean
  onAdvance: (seconds: number) => void
  onReset: () => void
}

export function ClockPanel ({ clock, disabled, onAdvance, onReset }: Props) {
  const [seconds, setSeconds] = useState('60')
  return (
    <section class='card' aria-labelledby='h-clock'>
      <h2 id='h-clock'>Virtual time</h2>
      <p class='clock'>
        <time id='clock' aria-label='Clock' role='timer' dateTime={clock?.now}>{clock?.now ?? '…'}</time>
        <span class='hint'>{clock === null ? '' : offsetText(clock.offset_ms)}</span>
      </p>
      <form class='row' onSubmit={(e) => { e.preventDefault(); onAdvance(Number(seconds)) }}>
        <label for='seconds'>Seconds</label>
        <input id='seconds' type='number' min='0' step='any' inputMode='decimal' value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
        <button type='submit' disabled={disabled}>Advance clock</button>
      </form>
      <div class='row' role='group' aria-label='Advance by a preset'>
        {PRESETS.map(([label, s]) => (
          <button key={label} type='button' disabled={disabled} onClick={() => onAdvance(s)} aria-label={`Advance ${label}`}>+{label}</button>
        ))}
        <button type='button' disabled={disabled} onClick={onReset}>Reset clock</button>
      </div>
    </section>
  )
}
