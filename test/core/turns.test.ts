/**
 * Body readers give the event loop a turn after each TURN_BYTES (turns.ts): what lets a health check
 * through while big uploads stream in (measured by `npm run bench`, health under upload load).
 */
import t from 'tap'
import { nextTurn, TURN_BYTES, TurnBudget } from '../../src/core/turns.js'

t.test('a reader is told to give the loop a turn once per TURN_BYTES consumed, however the chunks fall', async (t) => {
  const budget = new TurnBudget()
  const chunk = 64 * 1024
  let turns = 0
  for (let read = 0; read < 8 * TURN_BYTES; read += chunk) if (budget.spend(chunk)) turns++
  t.equal(turns, 8)
  t.notOk(new TurnBudget().spend(TURN_BYTES - 1), 'less than a budget: no turn')
  t.ok(new TurnBudget().spend(10 * TURN_BYTES), 'one huge chunk: a turn after it')
})

t.test('nextTurn lets pending immediates (other I/O callbacks) run first', async (t) => {
  const order: string[] = []
  setImmediate(() => order.push('other'))
  await nextTurn()
  order.push('reader')
  t.same(order, ['other', 'reader'])
})
