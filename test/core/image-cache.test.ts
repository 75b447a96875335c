import t from 'tap'
import { Lru } from '../../src/core/image-cache.js'

t.test('the least recently used entry goes first when there are too many', async (t) => {
  const lru = new Lru<string, number>(2)
  lru.set('a', 1)
  lru.set('b', 2)
  t.equal(lru.get('a'), 1, 'a is now the most recent')
  lru.set('c', 3)
  t.equal(lru.get('b'), undefined, 'b went')
  t.same([lru.get('a'), lru.get('c'), lru.size], [1, 3, 2])
})

t.test('entries go, least recent first, until the byte budget holds; one larger than the budget is not kept', async (t) => {
  const lru = new Lru<string, Buffer>(100, 10, (b) => b.length)
  lru.set('a', Buffer.alloc(4))
  lru.set('b', Buffer.alloc(4))
  lru.set('c', Buffer.alloc(4))
  t.same([lru.get('a'), lru.bytes, lru.size], [undefined, 8, 2])
  lru.set('huge', Buffer.alloc(11))
  t.same([lru.get('huge'), lru.bytes, lru.size], [undefined, 8, 2], 'nothing else went for it')
  lru.set('b', Buffer.alloc(1))
  t.equal(lru.bytes, 5, 'a replaced entry counts its new size')
  lru.delete('b')
  lru.delete('b')
  t.same([lru.bytes, lru.size], [4, 1])
  lru.clear()
  t.same([lru.bytes, lru.size], [0, 0])
})
