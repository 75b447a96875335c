/**
 * Weber's state in SQLite (the real server uses PostgreSQL through gorm): visitors (sessions),
 * visitor activities, feedback, and the face payment accounts, wallets and transactions, plus the
 * faces enrolled at the emulated Nodeflux cloud. Every row carries the namespace; every query
 * filters on it. Statements are prepared once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { DB, StoreSpec } from '../../core/db.js'
import { expiry } from '../../core/vendor/inspect.js'
import type { StateItem } from '../../core/vendor/module.js'
import type { WeberSettings } from './schemas.js'

export const storeSpec: StoreSpec = {
  migrations: [{
    version: 1,
    up: `
CREATE TABLE weber_visitors (
  namespace TEXT NOT NULL, session_id TEXT NOT NULL, email TEXT NOT NULL, full_name TEXT NOT NULL,
  company TEXT NOT NULL, job_title TEXT NOT NULL, industry TEXT NOT NULL, company_size TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, PRIMARY KEY (namespace, session_id));
CREATE TABLE weber_activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, session_id TEXT NOT NULL,
  service_id INTEGER NOT NULL, completeness INTEGER NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE INDEX weber_activities_lookup ON weber_activities (namespace, session_id, service_id, id);
CREATE TABLE weber_feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, session_id TEXT NOT NULL,
  service_id INTEGER NOT NULL, activity_id INTEGER NOT NULL, rating INTEGER NOT NULL, comment TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL);
CREATE TABLE weber_accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, session_id TEXT NOT NULL,
  full_name TEXT NOT NULL, phone TEXT NOT NULL, raw_phone TEXT NOT NULL, have_twin INTEGER NOT NULL,
  pin_salt TEXT, pin_hash TEXT, minimum_payment INTEGER NOT NULL DEFAULT 50000,
  is_active INTEGER NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL);
CREATE INDEX weber_accounts_session ON weber_accounts (namespace, session_id, id);
CREATE INDEX weber_accounts_phone ON weber_accounts (namespace, phone, is_active);
CREATE TABLE weber_wallets (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, account_id INTEGER NOT NULL,
  balance INTEGER NOT NULL);
CREATE INDEX weber_wallets_account ON weber_wallets (namespace, account_id, id);
CREATE TABLE weber_transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, account_id INTEGER NOT NULL,
  wallet_id INTEGER NOT NULL, amount INTEGER NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE INDEX weber_transactions_account ON weber_transactions (namespace, account_id);
CREATE TABLE weber_enrollments (
  id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, face_id TEXT NOT NULL,
  face_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE INDEX weber_enrollments_face ON weber_enrollments (namespace, face_id);
`
  }],
  tables: ['weber_visitors', 'weber_activities', 'weber_feedback', 'weber_accounts', 'weber_wallets', 'weber_transactions', 'weber_enrollments']
}

export interface Visitor {
  session_id: string
  full_name: string
  created_at_ms: number
}

export interface Account {
  id: number
  session_id: string
  full_name: string
  phone: string
  raw_phone: string
  have_twin: number
  pin_salt: string | null
  pin_hash: string | null
  minimum_payment: number
  is_active: number
}

export interface NewVisitor {
  session_id: string
  email: string
  full_name: string
  company: string
  job_title: string
  industry: string
  company_size: string
}

/** A visitor as the admin state shows it. */
export interface VisitorRow extends Visitor { email: string, company: string }

/** A face payment account as the admin state shows it: the balance of its first wallet (0 without one). */
export interface AccountRow {
  id: number
  session_id: string
  full_name: string
  raw_phone: string
  have_twin: number
  minimum_payment: number
  is_active: number
  balance: number
}

export interface PaymentResult {
  ok: boolean
  balance: number
}

const DAY_MS = 86_400_000

/**
 * When a session expires: created_at + SESSION_EXPIRATION days (vendor-notes §1.3; calendar days in
 * Jakarta, which has no DST, are 24 hours).
 */
export function sessionExpiresAt (settings: WeberSettings, createdAtMs: number): number {
  return createdAtMs + settings.session_expiration_days * DAY_MS
}

function hashPin (salt: string, pin: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(pin).digest('hex')
}

export class WeberStore {
  private readonly s

  constructor (private readonly db: DB, readonly settings: WeberSettings) {
    this.s = {
      insertVisitor: db.prepare(`INSERT INTO weber_visitors (namespace, session_id, email, full_name, company, job_title, industry, company_size, created_at_ms)
        VALUES (@namespace, @session_id, @email, @full_name, @company, @job_title, @industry, @company_size, @created_at_ms)`),
      visitor: db.prepare('SELECT session_id, full_name, created_at_ms FROM weber_visitors WHERE namespace = ? AND session_id = ?'),
      insertActivity: db.prepare('INSERT INTO weber_activities (namespace, session_id, service_id, completeness, created_at_ms) VALUES (?, ?, ?, ?, ?)'),
      lastActivity: db.prepare('SELECT id FROM weber_activities WHERE namespace = ? AND session_id = ? AND service_id = ? ORDER BY id DESC LIMIT 1').pluck(),
      countActivities: db.prepare('SELECT count(*) FROM weber_activities WHERE namespace = ? AND session_id = ?').pluck(),
      insertFeedback: db.prepare('INSERT INTO weber_feedback (namespace, session_id, service_id, activity_id, rating, comment, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      countFeedback: db.prepare('SELECT count(*) FROM weber_feedback WHERE namespace = ? AND session_id = ?').pluck(),
      activeAccount: db.prepare('SELECT * FROM weber_accounts WHERE namespace = ? AND session_id = ? AND is_active = 1 ORDER BY id LIMIT 1'),
      lastAccount: db.prepare('SELECT * FROM weber_accounts WHERE namespace = ? AND session_id = ? ORDER BY id DESC LIMIT 1'),
      lastActiveAccount: db.prepare('SELECT * FROM weber_accounts WHERE namespace = ? AND session_id = ? AND is_active = 1 ORDER BY id DESC LIMIT 1'),
      phoneTaken: db.prepare('SELECT 1 FROM weber_accounts WHERE namespace = ? AND phone = ? AND is_active = 1 LIMIT 1').pluck(),
      insertAccount: db.prepare(`INSERT INTO weber_accounts (namespace, session_id, full_name, phone, raw_phone, have_twin, created_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      activate: db.prepare('UPDATE weber_accounts SET pin_salt = ?, pin_hash = ?, minimum_payment = ?, is_active = 1 WHERE namespace = ? AND id = ?'),
      insertWallet: db.prepare('INSERT INTO weber_wallets (namespace, account_id, balance) VALUES (?, ?, ?)'),
      firstWallet: db.prepare('SELECT id, balance FROM weber_wallets WHERE namespace = ? AND account_id = ? ORDER BY id LIMIT 1'),
      setBalance: db.prepare('UPDATE weber_wallets SET balance = ? WHERE namespace = ? AND id = ?'),
      insertTransaction: db.prepare('INSERT INTO weber_transactions (namespace, account_id, wallet_id, amount, created_at_ms) VALUES (?, ?, ?, ?, ?)'),
      countTransactions: db.prepare('SELECT count(*) FROM weber_transactions WHERE namespace = ? AND account_id = ?').pluck(),
      insertEnrollment: db.prepare('INSERT INTO weber_enrollments (namespace, face_id, face_hash, created_at_ms) VALUES (?, ?, ?, ?)'),
      enrollments: db.prepare('SELECT face_hash FROM weber_enrollments WHERE namespace = ? AND face_id = ? ORDER BY id').pluck(),
      visitors: db.prepare('SELECT session_id, full_name, email, company, created_at_ms FROM weber_visitors WHERE namespace = ? ORDER BY created_at_ms, rowid'),
      accounts: db.prepare(`SELECT a.id, a.session_id, a.full_name, a.raw_phone, a.have_twin, a.minimum_payment, a.is_active,
          COALESCE((SELECT w.balance FROM weber_wallets w WHERE w.namespace = a.namespace AND w.account_id = a.id ORDER BY w.id LIMIT 1), 0) AS balance
        FROM weber_accounts a WHERE a.namespace = ? ORDER BY a.id`)
    }
  }

  // ---- visitors, activities, feedback

  insertVisitor (ns: string, v: NewVisitor, nowMs: number): void {
    this.s.insertVisitor.run({ namespace: ns, ...v, created_at_ms: nowMs })
  }

  visitor (ns: string, sessionId: string): Visitor | undefined {
    return this.s.visitor.get(ns, sessionId) as Visitor | undefined
  }

  insertActivity (ns: string, sessionId: string, serviceId: number, completeness: number, nowMs: number): void {
    this.s.insertActivity.run(ns, sessionId, serviceId, completeness, nowMs)
  }

  lastActivity (ns: string, sessionId: string, serviceId: number): number | undefined {
    return this.s.lastActivity.get(ns, sessionId, serviceId) as number | undefined
  }

  countActivities (ns: string, sessionId: string): number {
    return this.s.countActivities.get(ns, sessionId) as number
  }

  insertFeedback (ns: string, sessionId: string, serviceId: number, activityId: number, rating: number, comment: string, nowMs: number): void {
    this.s.insertFeedback.run(ns, sessionId, serviceId, activityId, rating, comment, nowMs)
  }

  countFeedback (ns: string, sessionId: string): number {
    return this.s.countFeedback.get(ns, sessionId) as number
  }

  // ---- face payment

  /** "Active account": the first account of the session with is_active (vendor-notes §1.7). */
  activeAccount (ns: string, sessionId: string): Account | undefined {
    return this.s.activeAccount.get(ns, sessionId) as Account | undefined
  }

  phoneTaken (ns: string, prefixedPhone: string): boolean {
    return this.s.phoneTaken.get(ns, prefixedPhone) !== undefined
  }

  insertAccount (ns: string, sessionId: string, fullName: string, phone: string, rawPhone: string, haveTwin: boolean, nowMs: number): void {
    this.s.insertAccount.run(ns, sessionId, fullName, phone, rawPhone, haveTwin ? 1 : 0, nowMs)
  }

  /**
   * Activation (§1.7.2): the session's last account gets the PIN (stored hashed), the minimum payment
   * and is_active; then a new wallet is created for the last active account. False when the session
   * has no account at all.
   */
  activate (ns: string, sessionId: string, pin: string, minimumPayment: number, initialBalance: number): boolean {
    return this.db.transaction(() => {
      const account = this.s.lastAccount.get(ns, sessionId) as Account | undefined
      if (account === undefined) return false
      const salt = randomBytes(16).toString('hex')
      this.s.activate.run(salt, hashPin(salt, pin), minimumPayment, ns, account.id)
      const active = this.s.lastActiveAccount.get(ns, sessionId) as Account
      this.s.insertWallet.run(ns, active.id, initialBalance)
      return true
    })()
  }

  /** The balance of the account's first wallet (reads always use the first one), or 0 without a wallet. */
  balance (ns: string, accountId: number): number {
    const w = this.s.firstWallet.get(ns, accountId) as { id: number, balance: number } | undefined
    return w?.balance ?? 0
  }

  hasWallet (ns: string, accountId: number): boolean {
    return this.s.firstWallet.get(ns, accountId) !== undefined
  }

  resetBalance (ns: string, accountId: number, balance: number): void {
    const w = this.s.firstWallet.get(ns, accountId) as { id: number } | undefined
    if (w !== undefined) this.s.setBalance.run(balance, ns, w.id)
  }

  /** A plain string comparison with the stored PIN (§1.7.5), made on hashes. */
  pinMatches (account: Account, pin: string): boolean {
    if (account.pin_salt === null || account.pin_hash === null) return false
    const a = Buffer.from(hashPin(account.pin_salt, pin), 'hex')
    const b = Buffer.from(account.pin_hash, 'hex')
    return a.length === b.length && timingSafeEqual(a, b)
  }

  /**
   * The money step of a payment, atomically: read the first wallet, refuse when amount > balance,
   * debit and record the transaction. better-sqlite3 is synchronous, so nothing else runs between
   * the read and the write; callers do every asynchronous step (image decoding, face match) before.
   */
  pay (ns: string, accountId: number, amount: number, nowMs: number): PaymentResult {
    return this.db.transaction((): PaymentResult => {
      const w = this.s.firstWallet.get(ns, accountId) as { id: number, balance: number } | undefined
      // Without a wallet the server reads a zero balance (§1.7.3).
      const balance = w?.balance ?? 0
      if (amount > balance || w === undefined) return { ok: false, balance }
      this.s.setBalance.run(balance - amount, ns, w.id)
      this.s.insertTransaction.run(ns, accountId, w.id, amount, nowMs)
      return { ok: true, balance: balance - amount }
    }).immediate()
  }

  countTransactions (ns: string, accountId: number): number {
    return this.s.countTransactions.get(ns, accountId) as number
  }

  // ---- the emulated Nodeflux face enrollment (create-face-enrollment / face-match-enrollment)

  enroll (ns: string, faceId: string, faceHash: string, nowMs: number): void {
    this.s.insertEnrollment.run(ns, faceId, faceHash, nowMs)
  }

  enrolledFaces (ns: string, faceId: string): string[] {
    return this.s.enrollments.all(ns, faceId) as string[]
  }

  // ---- the admin state (read-only)

  visitors (ns: string): VisitorRow[] {
    return this.s.visitors.all(ns) as VisitorRow[]
  }

  accounts (ns: string): AccountRow[] {
    return this.s.accounts.all(ns) as AccountRow[]
  }
}

/**
 * The namespace's live state for the admin API and the dashboard: each visitor with its session's
 * expiry (SESSION_EXPIRATION on the virtual clock; an expired one stays listed, at 0 seconds), and
 * each face payment account with its balance. Accounts do not expire; their session does.
 */
export function inspect (store: WeberStore, namespace: string, nowMs: number): StateItem[] {
  const visitors = store.visitors(namespace).map((v): StateItem => ({
    kind: 'visitor',
    id: v.session_id,
    ...expiry(sessionExpiresAt(store.settings, v.created_at_ms), nowMs),
    fields: { full_name: v.full_name, email: v.email, company: v.company, created_at: new Date(v.created_at_ms).toISOString() }
  }))
  const accounts = store.accounts(namespace).map((a): StateItem => ({
    kind: 'account',
    id: String(a.id),
    expires_at: null,
    remaining_seconds: null,
    fields: {
      session_id: a.session_id,
      full_name: a.full_name,
      phone: a.raw_phone,
      balance: a.balance,
      minimum_payment: a.minimum_payment,
      have_twin: a.have_twin === 1,
      active: a.is_active === 1
    }
  }))
  return [...visitors, ...accounts]
}
