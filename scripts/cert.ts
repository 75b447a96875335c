/**
 * A development certificate that phones and emulators can trust, for `--tls-cert`/`--tls-key`
 * (README.md, "Mobile apps"). Both mobile platforms refuse cleartext HTTP by default, and FPT's
 * flow is driven from their SDKs.
 *
 *   npm run cert -- [--host NAME_OR_IP]... [--out DIR]      (default DIR: .sandbox/tls)
 *
 * Makes (with openssl) a local certificate authority, kept and reused in DIR so that a device that
 * trusts it once keeps trusting the next certificates, and a server certificate for localhost,
 * 127.0.0.1, ::1, 10.0.2.2 (the Android emulator's address of the host) and every --host. The
 * server certificate follows what iOS requires of TLS server certificates: subjectAltName, extended
 * key usage serverAuth, at most 825 days. Files: ca.crt (install it on the device), cert.pem (the
 * server certificate followed by ca.crt), key.pem, ca.key (keep it private).
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1', '10.0.2.2']

export interface CertificateFiles { ca: string, cert: string, key: string, caKey: string, created: boolean }

function openssl (args: string[], cwd: string): void {
  execFileSync(process.env.OPENSSL ?? 'openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function altNames (hosts: readonly string[]): string {
  let dns = 0
  let ip = 0
  return [...new Set(hosts)].map((h) => isIP(h) !== 0 ? `IP.${++ip} = ${h}` : `DNS.${++dns} = ${h}`).join('\n')
}

const CONFIG = (hosts: readonly string[]): string => `[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
subjectAltName = @alt
[alt]
${altNames(hosts)}
`

/** Creates (or reuses) the CA in `out` and issues a server certificate for the default hosts and `hosts`. */
export function makeCertificates (out: string, hosts: readonly string[] = []): CertificateFiles {
  for (const h of hosts) {
    if (!/^[A-Za-z0-9.:-]+$/.test(h)) throw new Error(`--host ${JSON.stringify(h)}: expected a host name or an IP address`)
  }
  mkdirSync(out, { recursive: true })
  const all = [...DEFAULT_HOSTS, ...hosts]
  const files = { ca: join(out, 'ca.crt'), caKey: join(out, 'ca.key'), cert: join(out, 'cert.pem'), key: join(out, 'key.pem') }
  writeFileSync(join(out, 'openssl.cnf'), CONFIG(all))
  const created = !existsSync(files.ca) || !existsSync(files.caKey)
  try {
    if (created) {
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], out)
      openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', `/CN=ekyc-sandbox development CA ${randomBytes(4).toString('hex')}`,
        '-config', 'openssl.cnf', '-extensions', 'v3_ca', '-out', 'ca.crt'], out)
    }
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'key.pem'], out)
    openssl(['req', '-new', '-key', 'key.pem', '-subj', `/CN=${hosts[0] ?? 'localhost'}`, '-config', 'openssl.cnf', '-out', 'leaf.csr'], out)
    openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(12).toString('hex')}`,
      '-days', '825', '-sha256', '-extfile', 'openssl.cnf', '-extensions', 'v3_leaf', '-out', 'leaf.crt'], out)
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim()
    throw new Error(`openssl failed: ${stderr === '' ? (err as Error).message : stderr}`)
  }
  writeFileSync(files.cert, readFileSync(join(out, 'leaf.crt'), 'utf8') + readFileSync(files.ca, 'utf8'))
  for (const f of ['leaf.csr', 'leaf.crt', 'openssl.cnf']) rmSync(join(out, f), { force: true })
  chmodSync(files.key, 0o600)
  chmodSync(files.caKey, 0o600)
  return { ...files, created }
}

function main (): void {
  const { values } = parseArgs({ options: { host: { type: 'string', multiple: true }, out: { type: 'string' } }, strict: true })
  const out = values.out ?? join('.sandbox', 'tls')
  const hosts = values.host ?? []
  const f = makeCertificates(out, hosts)
  console.log(`${f.created ? 'created a new' : 'reused the'} certificate authority ${f.ca} (install it on the phone or emulator: README.md, "Mobile apps")`)
  console.log(`server certificate ${f.cert} and key ${f.key} for ${[...DEFAULT_HOSTS, ...hosts].join(', ')}, valid 825 days`)
  console.log(`start: npm start -- --host 0.0.0.0 --tls-cert ${f.cert} --tls-key ${f.key} --admin-token ${randomBytes(12).toString('hex')}`)
}

if (process.argv[1]?.endsWith('cert.ts') === true) {
  try {
    main()
  } catch (err) {
    console.error(`cert: ${(err as Error).message}`)
    process.exit(2)
  }
}
