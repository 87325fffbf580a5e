import { LOCK_MODES, type LockMode } from './lint-report'

// What a table lock stops others from doing while it is held, from PostgreSQL's table of conflicting lock modes
// ("Explicit Locking", Table 13.2). Which statement takes which lock is read from the parse tree in
// lib/targets/sql/locks.ts; this says what that means for the application's sessions on the same table.

/** For each mode, the modes it conflicts with (the table is symmetric). */
export const LOCK_CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  'ACCESS SHARE': ['ACCESS EXCLUSIVE'],
  'ROW SHARE': ['EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ROW EXCLUSIVE': ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE UPDATE EXCLUSIVE': ['SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  SHARE: ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE ROW EXCLUSIVE': [
    'ROW EXCLUSIVE',
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
  ],
  EXCLUSIVE: [
    'ROW SHARE',
    'ROW EXCLUSIVE',
    'SHARE UPDATE EXCLUSIVE',
    'SHARE',
    'SHARE ROW EXCLUSIVE',
    'EXCLUSIVE',
    'ACCESS EXCLUSIVE',
  ],
  'ACCESS EXCLUSIVE': LOCK_MODES,
}

export const conflicts = (a: LockMode, b: LockMode) => LOCK_CONFLICTS[a].includes(b)

/**
 * How hard a lock hits the application: `reads` – plain SELECTs wait (ACCESS EXCLUSIVE); `writes` – INSERT,
 * UPDATE and DELETE wait; `schema` – index builds and schema changes wait, reads and writes go on; `none` –
 * only an EXCLUSIVE or ACCESS EXCLUSIVE request waits.
 */
export type LockImpact = 'reads' | 'writes' | 'schema' | 'none'

export function lockImpact(mode: LockMode): LockImpact {
  if (conflicts(mode, 'ACCESS SHARE')) return 'reads'
  if (conflicts(mode, 'ROW EXCLUSIVE')) return 'writes'
  if (conflicts(mode, 'SHARE') || conflicts(mode, 'SHARE UPDATE EXCLUSIVE')) return 'schema'
  return 'none'
}

export const LOCK_IMPACT_WORDS: Record<LockImpact, string> = {
  reads: 'blocks reads and writes',
  writes: 'blocks writes',
  schema: 'blocks index builds and schema changes',
  none: 'blocks only exclusive locks',
}

/** A lock worth a second look before it runs on a busy table: it makes the application's reads or writes wait. */
export const isStrongLock = (mode: LockMode) => lockImpact(mode) === 'reads' || lockImpact(mode) === 'writes'
