/**
 * Issue 11, points 2 and 5, reproduced literally, one case each per target (whatever --count says):
 * these are the known ways in, and the fuzzer must keep showing whether they are closed. Also the
 * baseline: the well-formed request every mutation starts from.
 */
import { baseCase, caseOf, type Kind } from './cases.js'
import { BOUNDARY, closing, rawPart } from './samples.js'

const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`

export const issueKinds: Kind[] = [
  {
    // Not a mutation: the well-formed starting point, so the report shows what the others damage.
    name: 'baseline',
    cases: (t, ctx) => [baseCase('baseline', t, ctx)]
  },
  {
    // Point 2: a part whose Content-Disposition is not form-data, with more than ~16 KB of content.
    name: 'issue11.non-form-data-part',
    cases: (t, ctx) => {
      const part = rawPart(['Content-Disposition: attachment; name="image"; filename="selfie.jpg"', 'Content-Type: image/jpeg'], Buffer.concat([ctx.assets.jpeg, Buffer.alloc(20 * 1024, 0x41)]))
      return [caseOf('issue11.non-form-data-part', t, ctx, [['content-type', MULTIPART]], Buffer.concat([part, closing()]),
        `multipart, one part "Content-Disposition: attachment" (not form-data) of ${part.length} B`)]
    }
  },
  {
    // Point 5: OPTIONS with a body (a preflight, as a browser sends it, plus a JSON body).
    name: 'issue11.options-with-body',
    cases: (t, ctx) => [caseOf('issue11.options-with-body', t, ctx, [['origin', 'http://localhost:3000'], ['access-control-request-method', 'POST'], ['content-type', 'application/json']],
      '{"fuzz":true}', 'OPTIONS preflight with a 13 B JSON body', { method: 'OPTIONS' })]
  },
  {
    // Point 5: an empty JSON body (sent to every target; the issue saw it on unknown paths).
    name: 'issue11.empty-json',
    cases: (t, ctx) => [caseOf('issue11.empty-json', t, ctx, [['content-type', 'application/json']], '', 'empty body, content-type application/json, content-length 0', { method: 'POST' })]
  },
  {
    // Point 5: `content-type: ;;;==boundary` (seen on FPT).
    name: 'issue11.semicolon-content-type',
    cases: (t, ctx) => [caseOf('issue11.semicolon-content-type', t, ctx, [['content-type', ';;;==boundary']], '--boundary\r\n\r\nx\r\n--boundary--\r\n', 'a 30 B multipart-looking body, content-type ";;;==boundary"')]
  },
  {
    // Point 5: PUT with a truncated JSON body (seen on an FPT route).
    name: 'issue11.put-truncated-json',
    cases: (t, ctx) => [caseOf('issue11.put-truncated-json', t, ctx, [['content-type', 'application/json']], '{"fuzz": "trunc', 'PUT, truncated JSON {"fuzz": "trunc', { method: 'PUT' })]
  }
]
