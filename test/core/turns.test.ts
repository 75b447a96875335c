/**
 * Body readers share a budget of TURN_BYTES per turn of the event loop (turns.ts): what lets a health
 * check through while big uploads stream in (measured by `npm run bench`, health under upload load).
 */
import t from 'tap'
import { nextTurn, spendTurn, TURN_BYTES } from '../../src/core/turns.js'

t.test('within one turn the readers share the budget: once it is spent every reader is told to yield', async (t) => {
  await nextTurn()
  t.notOk(spendTurn(TURN_BYTES / 2), 'half the budget: read on')
  t.notOk(spendTurn(TURN_BYTES / 2), 'another reader, the other half: read on')
  t.ok(spendTurn(1), 'spent: the first reader yields')
  t.ok(spendTurn(1), 'and so does the second')
})

t.test('the next turn starts with the whole budget again', async (t) => {
  await nextTurn()
  t.ok(spendTurn(TURN_BYTES + 1), 'over the budget in one chunk: yield after it')
  await nextTurn()
  t.notOk(spendTurn(TURN_BYTES - 1), 'a new turn: read on')
})

t.test('nextTurn lets pending immediates (other I/O callbacks) run first', async (t) => {
  const order: string[] = []
  setImmediate(() => order.push('other'))
  await nextTurn()
  order.push('reader')
  t.same(order, ['other', 'reader'])
})
