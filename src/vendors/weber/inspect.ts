/**
 * The namespace's Weber state for GET /__admin/state (the dashboard): visitors (sessions, which
 * expire SESSION_EXPIRATION days after creation, vendor-notes §1.3) and face-payment accounts with
 * the balance of their first wallet (the one every read uses, §1.7.3). Read-only, newest first.
 */
import { expiry, type InspectContext, type StateItem } from '../../core/vendor.js'
import type { WeberSettings } from './schemas.js'

const DAY_MS = 86_400_000

interface VisitorRow { session_id: string, full_name: string, email: string, company: string, created_at_ms: number }
interface AccountRow {
  id: number
  session_id: string
  full_name: string
  phone: string
  raw_phone: string
  minimum_payment: number
  is_active: number
  balance: number | null
  transactions: number
}

function visitors (core: InspectContext<WeberSettings>['core'], namespace: string, nowMs: number, lifetimeMs: number): StateItem[] {
  const rows = core.db.prepare(`SELECT session_id, full_name, email, company, created_at_ms FROM weber_visitors
    WHERE namespace = ? ORDER BY created_at_ms DESC, rowid DESC LIMIT 200`).all(namespace) as VisitorRow[]
  return rows.map((r) => ({
    kind: 'visitor',
    id: r.session_id,
    ...expiry(r.created_at_ms + lifetimeMs, nowMs),
    fields: { full_name: r.full_name, email: r.email, company: r.company, created: new Date(r.created_at_ms).toISOString() }
  }))
}

function accounts (core: InspectContext<WeberSettings>['core'], namespace: string): StateItem[] {
  const rows = core.db.prepare(`SELECT a.id, a.session_id, a.full_name, a.phone, a.raw_phone, a.minimum_payment, a.is_active,
      (SELECT w.balance FROM weber_wallets w WHERE w.namespace = a.namespace AND w.account_id = a.id ORDER BY w.id LIMIT 1) AS balance,
      (SELECT COUNT(*) FROM weber_transactions x WHERE x.namespace = a.namespace AND x.account_id = a.id) AS transactions
    FROM weber_accounts a WHERE a.namespace = ? ORDER BY a.id DESC LIMIT 200`).all(namespace) as AccountRow[]
  return rows.map((r) => ({
    kind: 'account',
    id: String(r.id),
    expires_at: null,
    remaining_seconds: null,
    fields: {
      session_id: r.session_id,
      full_name: r.full_name,
      phone: r.raw_phone,
      stored_phone: r.phone,
      balance: r.balance,
      minimum_payment: r.minimum_payment,
      active: r.is_active === 1,
      transactions: r.transactions
    }
  }))
}

export function inspect ({ core, settings }: InspectContext<WeberSettings>, namespace: string, nowMs: number): StateItem[] {
  return [...visitors(core, namespace, nowMs, settings.session_expiration_days * DAY_MS), ...accounts(core, namespace)]
}
