import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { UserActor } from '@/lib/server/actor'
import { quoteIdent } from '@/lib/targets/quote'

// The demo a fresh installation starts with: a small "orders" database of its own on the same PostgreSQL
// server (its own role and password, never Lockstep's credentials), an environment with that database as
// its target, and a plan whose phases can run at once – a verified backup, a three-script schema upgrade
// with rollbacks and a manual gate. Everything is created through the data layer, like a person would, so
// it is audited.
//
// The demo's role owns its database and holds nothing server-wide. It shares a server with Lockstep's own
// database, so pg_monitor (every session's statement on the server, Lockstep's included) or pg_signal_backend
// (ending any non-superuser's session, Lockstep's included) would reach well beyond the demo. It needs neither:
// the monitor reads the demo database's own sessions, all of them the demo role's, in full without them
// (lib/engine/monitor/sample.ts), and a role may cancel and terminate its own sessions.

export const DEMO_ROLE = 'lockstep_demo'
export const DEMO_DATABASE = 'lockstep_demo'
export const DEMO_PLAN_TITLE = 'Demo: orders schema upgrade'
export const DEMO_ENVIRONMENT = 'demo'
export const HOMEVERSE_PLAN_TITLE = 'Demo: HomeVerse SQLite → PostgreSQL'

const HOMEVERSE_DOCUMENT = `# ${HOMEVERSE_PLAN_TITLE}

## Overview
Move the HomeVerse application's data from its SQLite file to PostgreSQL: every table copied with its keys,
indexes and foreign keys, Prisma's epoch-millisecond datetimes turned into real timestamps, and the rows
that do not fit their columns kept aside with the reason. For no downtime, phases 3 and 4 keep PostgreSQL in
sync while the application keeps writing, then cut over in seconds.

## Migration Phases

### Phase 1: Copy the data
- [ ] Stop writes to the SQLite file (maintenance mode)
- [ ] Run the copy and read its summary

### Phase 2: Verify
- [ ] Review the rejected rows with the application team
- [ ] Compare row counts per table

### Phase 3: Keep in sync
- [ ] Watch the lag on the run page while the demo application keeps writing
- [ ] Run a validation while the sync follows

### Phase 4: Cut over
- [ ] Tell the application team the cutover starts
- [ ] Point the application at PostgreSQL once the cutover switched

## Risk Assessment
- **Values SQLite accepted but PostgreSQL refuses** – Impact: Medium, Likelihood: High. Mitigation: rejected rows are listed with the reason; the step fails above 10.
- **Orphaned rows once rejected parents are missing** – Impact: Medium, Likelihood: Medium. Mitigation: foreign keys added NOT VALID and reported.

## Success Criteria
- Every table copied, with no more than 10 rejected rows
- Row counts match on every table
- No orphaned rows on the target
`

const DOCUMENT = `# ${DEMO_PLAN_TITLE}

## Overview
Add order status tracking to the demo orders database without downtime: new columns, an index built
concurrently, and a backfill – each with its rollback.

## Migration Phases

### Phase 1: Preparation
- [ ] Announce the maintenance window to the support team
- [ ] Verify the latest backup of the orders database

### Phase 2: Schema upgrade
- [ ] Review the lint findings of each script
- [ ] Watch the run until it succeeds

### Phase 3: Cutover
- [ ] Switch the application to the new status column
- [ ] Confirm order pages show the status

### Phase 4: Watch after the switch
- [ ] Keep the monitoring view open for the first minutes

## Risk Assessment
- **Long lock on orders while adding columns** – Impact: High, Likelihood: Low. Mitigation: lock_timeout with retries; columns without defaults.
- **Backfill slower than planned** – Impact: Medium, Likelihood: Medium. Mitigation: run during the window; watch progress.

## Success Criteria
- Every order has a status
- No failed scripts in the history table
`

const SCRIPTS = [
  {
    name: 'V1 – add status columns',
    body: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;\nALTER TABLE orders ADD COLUMN IF NOT EXISTS status_changed_at timestamptz;',
    rollbackBody:
      'ALTER TABLE orders DROP COLUMN IF EXISTS status_changed_at;\nALTER TABLE orders DROP COLUMN IF EXISTS status;',
  },
  {
    name: 'V2 – index orders by status',
    body: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);',
    rollbackBody: 'DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;',
  },
  {
    name: 'V3 – backfill status',
    body: "UPDATE orders SET status = CASE WHEN total > 100 THEN 'shipped' ELSE 'paid' END, status_changed_at = created_at WHERE status IS NULL;",
    rollbackBody: 'UPDATE orders SET status = NULL, status_changed_at = NULL;',
  },
]

/** The server-wide roles earlier versions granted the demo role; `npm start` revokes them (restrictDemoRole). */
const SERVER_ROLES = ['pg_monitor', 'pg_signal_backend']

/**
 * Takes pg_monitor and pg_signal_backend from the demo role on the server of `serverUrl`, where an earlier
 * version granted them. Does nothing when there is no demo role or it holds neither.
 */
export async function restrictDemoRole(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ rolname: string }>(
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE r.rolname = $1 AND g.rolname = ANY($2::text[])`,
      [DEMO_ROLE, SERVER_ROLES],
    )
    if (rows.length)
      await admin.query(`REVOKE ${rows.map((r) => quoteIdent(r.rolname)).join(', ')} FROM ${quoteIdent(DEMO_ROLE)}`)
  } finally {
    await admin.end()
  }
}

/**
 * Creates the demo database (role, database, two tables with rows) on the server of `serverUrl`, or
 * returns null with the reason when the server does not let Lockstep's user create roles and databases.
 */
async function provisionDemoDatabase(serverUrl: string): Promise<{ url: string } | { skipped: string }> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const password = randomBytes(18).toString('base64url')
  try {
    const { rows } = await admin.query<{ allowed: boolean }>(
      'SELECT rolsuper OR (rolcreaterole AND rolcreatedb) AS allowed FROM pg_roles WHERE rolname = current_user',
    )
    if (!rows[0]?.allowed) return { skipped: 'the database user cannot create roles and databases' }
    const role = quoteIdent(DEMO_ROLE)
    const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [DEMO_ROLE])).rowCount
    await admin.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(password)}`)
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE])).rowCount)
      return { skipped: `a database named ${DEMO_DATABASE} already exists` }
    await admin.query(`CREATE DATABASE ${quoteIdent(DEMO_DATABASE)} OWNER ${role}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.username = DEMO_ROLE
  url.password = password
  url.pathname = `/${DEMO_DATABASE}`
  url.search = ''
  const demo = new pg.Client({ connectionString: url.toString() })
  await demo.connect()
  try {
    await demo.query(`
      CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric(12, 2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO customers (email, created_at) SELECT 'customer' || i || '@example.com', now() - i * interval '1 day' FROM generate_series(1, 200) AS i;
      INSERT INTO orders (customer_id, total, created_at) SELECT 1 + i % 200, round((random() * 300)::numeric, 2), now() - i * interval '1 hour' FROM generate_series(1, 2000) AS i;`)
  } finally {
    await demo.end()
  }
  return { url: `${url.toString()}?sslmode=disable` }
}

/** Seeds the demo plan as `admin`; the demo database too when the server allows it. */
export async function seedDemo(admin: UserActor, serverUrl: string): Promise<{ planId: string; note: string | null }> {
  // Imported late: the data layer's client reads DATABASE_URL when it loads.
  const { parsePlanDocument } = await import('@/lib/plan-document/parse')
  const { importPlanDocument } = await import('@/lib/server/plans/documents')
  const { addBackupStep, addManualStep, addObserveStep, addSqlStep } = await import('@/lib/server/plans/step-commands')
  const { addTrigger } = await import('@/lib/server/plans/register-commands')
  const { updateItem } = await import('@/lib/server/plans/checklist-commands')
  const { createConnection, createEnvironment } = await import('@/lib/server/connections/commands')
  const { setPlanEnvironment } = await import('@/lib/server/plans/environment-commands')
  const { ZAddBackupStep, ZAddManualStep, ZAddObserveStep, ZAddSqlStep, ZAddTrigger, ZUpdateItem } =
    await import('@/lib/server/plans/schemas')
  const { ZConnection } = await import('@/lib/server/connections/schemas')
  const { db } = await import('@/lib/db')

  const { id: planId } = await importPlanDocument(admin, parsePlanDocument(DOCUMENT))
  const phases = await db.phase.findMany({ where: { planId }, orderBy: { position: 'asc' } })
  const [preparation, upgrade, cutover, watch] = phases
  if (!preparation || !upgrade || !cutover || !watch) throw new Error('The demo document lost its phases.')
  // The preparation gate opens only once its checklist is done.
  for (const item of await db.checklistItem.findMany({ where: { phaseId: preparation.id } })) {
    await updateItem(admin, ZUpdateItem.parse({ itemId: item.id, text: item.text, isRequired: 'on' }))
  }
  // First, so the gate is released only with a verified backup of the target in the run.
  await addBackupStep(
    admin,
    ZAddBackupStep.parse({ phaseId: preparation.id, name: 'Back up the orders database', of: 'target', tables: '' }),
  )
  await addManualStep(
    admin,
    ZAddManualStep.parse({
      phaseId: preparation.id,
      name: 'Support team has the announcement',
      instructions: 'Release once the maintenance window is announced and the backup verified.',
      requireChecklist: 'on',
    }),
  )
  for (const script of SCRIPTS) await addSqlStep(admin, ZAddSqlStep.parse({ phaseId: upgrade.id, ...script }))
  await addManualStep(
    admin,
    ZAddManualStep.parse({
      phaseId: cutover.id,
      name: 'Application team confirms the switch',
      instructions: 'Release when order pages show the status.',
      requireChecklist: '',
    }),
  )
  // Measured on every sample of the target; the watch phase fails (and a DBA decides on the rollback) when one fires.
  await addTrigger(
    admin,
    ZAddTrigger.parse({
      planId,
      text: 'Error rate above 5 % for 30 seconds',
      metric: 'error_rate_percent',
      comparator: 'GT',
      threshold: '5',
      sustainedSeconds: '30',
    }),
  )
  await addTrigger(
    admin,
    ZAddTrigger.parse({
      planId,
      text: 'Sessions wait for locks for more than a minute',
      metric: 'blocked_sessions',
      comparator: 'GT',
      threshold: '0',
      sustainedSeconds: '60',
    }),
  )
  await addObserveStep(
    admin,
    ZAddObserveStep.parse({ phaseId: watch.id, name: 'Watch the orders database', minutes: '2', rollback: 'offer' }),
  )

  const database = await provisionDemoDatabase(serverUrl).catch((error: Error) => ({
    skipped: error.message.split('\n')[0] ?? 'unknown error',
  }))
  if ('skipped' in database) return { planId, note: `The demo plan has no target database: ${database.skipped}.` }
  const { id: environmentId } = await createEnvironment(admin, {
    name: DEMO_ENVIRONMENT,
    description: 'The demo orders database, on the same server as Lockstep.',
    protected: false,
  })
  // The demo database lives on Lockstep's own server, which connections may reach only with an admin's allowance.
  const { id: connectionId } = await createConnection(
    admin,
    ZConnection.parse({
      environmentId,
      engine: 'POSTGRES',
      name: 'Demo orders database',
      role: 'TARGET',
      url: database.url,
      ownServer: 'allow',
    }),
  )
  await setPlanEnvironment(admin, { planId, environmentId, sourceConnectionId: null, targetConnectionId: connectionId })
  const homeverse = await seedHomeverse(admin, environmentId, connectionId)
  return { planId, note: homeverse }
}

/**
 * The HomeVerse copy demo: the generated SQLite file in the SQLite directory as the source, the demo
 * database as the target, and a plan whose first phase copies it. Returns a note when it cannot be seeded.
 */
async function seedHomeverse(
  admin: UserActor,
  environmentId: string,
  targetConnectionId: string,
): Promise<string | null> {
  const { existsSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { appEnv } = await import('@/lib/env')
  const { writeHomeverseDatabase, HOMEVERSE_FILE } = await import('./demo-homeverse')
  const { parsePlanDocument } = await import('@/lib/plan-document/parse')
  const { importPlanDocument } = await import('@/lib/server/plans/documents')
  const { addCopyStep, addManualStep, addValidateStep } = await import('@/lib/server/plans/step-commands')
  const { addRule, bindCriterion } = await import('@/lib/server/validations/commands')
  const { ZAddRule } = await import('@/lib/server/validations/schemas')
  const { createConnection } = await import('@/lib/server/connections/commands')
  const { setPlanEnvironment } = await import('@/lib/server/plans/environment-commands')
  const { ZAddCopyStep, ZAddManualStep, ZAddValidateStep } = await import('@/lib/server/plans/schemas')
  const { ZConnection } = await import('@/lib/server/connections/schemas')
  const { addCutoverStep, addSyncStep } = await import('@/lib/server/plans/sync-steps')
  const { ZAddCutoverStep, ZAddSyncStep } = await import('@/lib/server/plans/sync-schemas')
  const { db } = await import('@/lib/db')

  const dir = appEnv().LOCKSTEP_SQLITE_DIR
  if (!dir) return 'The HomeVerse copy demo needs LOCKSTEP_SQLITE_DIR; it was not seeded.'
  const path = join(dir, HOMEVERSE_FILE)
  if (!existsSync(path)) writeHomeverseDatabase(path)
  const { id: planId } = await importPlanDocument(admin, parsePlanDocument(HOMEVERSE_DOCUMENT))
  const [copyPhase, verify, syncPhase, cutPhase] = await db.phase.findMany({
    where: { planId },
    orderBy: { position: 'asc' },
  })
  if (!copyPhase || !verify || !syncPhase || !cutPhase) throw new Error('The HomeVerse document lost its phases.')
  const { id: copyStepId } = await addCopyStep(
    admin,
    ZAddCopyStep.parse({
      phaseId: copyPhase.id,
      name: 'Copy HomeVerse into PostgreSQL',
      tables: '',
      mode: 'create',
      jobs: '2',
      chunkRows: '',
      maxRejectedRows: '10',
      reload: '',
    }),
  )
  await addValidateStep(
    admin,
    ZAddValidateStep.parse({
      phaseId: verify.id,
      name: 'Compare the target with the source',
      tables: '',
      maxSamples: '20',
      maxDifferences: '1000',
      integrity: 'on',
    }),
  )
  await addRule(
    admin,
    ZAddRule.parse({
      planId,
      name: 'Matches score between 0 and 100',
      sql: 'SELECT id, score FROM matches WHERE score < 0 OR score > 100',
      severity: 'ERROR',
      action: 'FAIL',
    }),
  )
  const criteria = await db.successCriterion.findMany({ where: { planId }, orderBy: { position: 'asc' } })
  for (const [text, check] of [
    ['Row counts match on every table', 'row-counts'],
    ['No orphaned rows on the target', 'orphans'],
  ] as const) {
    const criterion = criteria.find((c) => c.text === text)
    if (criterion) await bindCriterion(admin, { criterionId: criterion.id, check })
  }
  await addManualStep(
    admin,
    ZAddManualStep.parse({
      phaseId: verify.id,
      name: 'Application team signs off the data',
      instructions: 'Release once the rejected rows are understood and the counts compared.',
      requireChecklist: 'on',
    }),
  )
  await addSyncStep(
    admin,
    ZAddSyncStep.parse({
      phaseId: syncPhase.id,
      name: 'Keep PostgreSQL in sync with HomeVerse',
      copyStepId,
      tables: '',
      mode: 'create',
      // The demo's own file: the seed agrees to the triggers and change table in it until the cutover.
      captureConfirmed: 'on',
    }),
  )
  await addManualStep(
    admin,
    ZAddManualStep.parse({
      phaseId: cutPhase.id,
      name: 'Stop writes to the HomeVerse file',
      instructions:
        'The application goes into maintenance mode. (The demo application stopped writing when this phase started.) Release once no write reaches the file any more: this moment starts the downtime.',
    }),
  )
  await addCutoverStep(admin, ZAddCutoverStep.parse({ phaseId: cutPhase.id, name: 'Cut over to PostgreSQL' }))
  const { id: sourceConnectionId } = await createConnection(
    admin,
    ZConnection.parse({
      environmentId,
      engine: 'SQLITE',
      name: 'HomeVerse SQLite',
      role: 'SOURCE',
      filePath: HOMEVERSE_FILE,
    }),
  )
  await setPlanEnvironment(admin, { planId, environmentId, sourceConnectionId, targetConnectionId })
  return null
}
