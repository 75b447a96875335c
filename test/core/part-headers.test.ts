/**
 * What Oz's part-type rule relies on: core's reading of the Content-Type each multipart part really
 * declares (src/core/part-headers.ts), whatever way the body is cut into chunks. Busboy alone says
 * text/plain both for "no Content-Type" and for "Content-Type: text/plain".
 */
import t from 'tap'
import { boundaryOf, PartHeaderScanner } from '../../src/core/part-headers.js'

const BOUNDARY = '--BOUNDARY--' // the document's example boundary
const body = Buffer.concat([
  Buffer.from('a preamble line\r\n'),
  ...[
    ['Content-Disposition: form-data; name="undeclared"'],
    ['Content-Disposition: form-data; name="text"', 'Content-Type: text/plain'],
    ['content-disposition: form-data; name=image; filename="a.jpg"', 'CONTENT-TYPE: Image/JPEG; q=1'],
    ['Content-Disposition: form-data; name="typo"', 'Content_type: text/plain'],
    ['Content-Disposition: form-data; name="n"', 'Content-Type: application/octet-stream'],
    ['Content-Disposition: form-data; name="n"'],
    ['Content-Disposition: form-data;', ' name="folded"', 'Content-Type:', ' text/csv']
  ].map((headers, i) => Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
    // Bodies with CRLFs, dashes and bytes that are not text.
    Buffer.from([0xff, 0x0d, 0x0a, 0x2d, 0x2d, i, 0x0d, 0x0a, 0x0d, 0x0a]),
    Buffer.from('\r\n')
  ])),
  Buffer.from(`--${BOUNDARY}--\r\n`)
])

function scan (chunkSize: number): Array<string | undefined> {
  const scanner = new PartHeaderScanner(BOUNDARY)
  for (let i = 0; i < body.length; i += chunkSize) scanner.push(body.subarray(i, i + chunkSize))
  return ['undeclared', 'text', 'image', 'typo', 'n', 'n', 'folded', 'n', 'absent'].map((name) => scanner.next(name))
}

t.test('each part\'s declared media type, in order by name: none (\'\'), or the type as declared, lower case, without parameters', async (t) => {
  t.same(scan(body.length), ['', 'text/plain', 'image/jpeg', '', 'application/octet-stream', '', 'text/csv', undefined, undefined])
})

t.test('the same reading whatever the chunks: one byte at a time, or delimiters and header blocks cut anywhere', async (t) => {
  const whole = scan(body.length)
  for (const size of [1, 2, 3, 5, 7, 16, 61]) t.same(scan(size), whole, `chunks of ${size}`)
})

t.test('the boundary parameter of a multipart Content-Type, quoted or not', async (t) => {
  t.equal(boundaryOf('multipart/form-data; boundary=--BOUNDARY--'), '--BOUNDARY--')
  t.equal(boundaryOf('multipart/form-data; charset=utf-8; Boundary="a b;c"'), 'a b;c')
  t.equal(boundaryOf('multipart/form-data'), undefined)
  t.equal(boundaryOf(undefined), undefined)
})
