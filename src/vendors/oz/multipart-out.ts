/**
 * Multipart answers (oz-api-lite.md, "verify": "The content type of the HTTP response is
 * multipart/form-data"), built as bytes: one part per value, CRLF line ends, a boundary that cannot
 * occur in the parts (checked), and `Content-Transfer-Encoding: base64` on parts sent in base64 mode.
 */

export interface OutPart {
  name: string
  contentType: string
  body: Buffer
  /** The body is base64 text (base64 transfer mode): say so in the part's headers. */
  base64?: boolean
}

export function buildMultipart (parts: OutPart[], seed: string): { body: Buffer, contentType: string } {
  let boundary = `OzBoundary${seed}`
  const delimiter = (b: string): Buffer => Buffer.from(`--${b}`, 'latin1')
  // A template is binary: in the (astronomically unlikely) case it contains the boundary, lengthen it.
  while (parts.some((p) => p.body.includes(delimiter(boundary)))) boundary += 'x'
  const chunks: Buffer[] = []
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\nContent-Type: ${p.contentType}\r\n`
    if (p.base64 === true) head += 'Content-Transfer-Encoding: base64\r\n'
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), p.body, Buffer.from('\r\n', 'latin1'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}
