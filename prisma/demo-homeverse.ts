import Database from 'better-sqlite3'

// The demo copy's source: a SQLite database shaped like the HomeVerse application of the SQLite →
// PostgreSQL plans we see – companies, users, applicants, projects, matches, activities, notifications,
// investments – with foreign keys and the odd values real SQLite files hold: Prisma's epoch-millisecond
// datetimes next to ISO text and epoch seconds, booleans as 0/1 and as 'true'/'false', empty strings
// next to NULLs, emoji, tabs and backslashes, integers beyond 2^53, and a handful of values that do not
// fit their column (rejected by the copy, with the reason). Generated deterministically.

export const HOMEVERSE_FILE = 'homeverse.db'

const SCHEMA = `
  PRAGMA foreign_keys = ON;
  CREATE TABLE companies (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, slug VARCHAR(60) NOT NULL UNIQUE, plan TEXT DEFAULT 'basic', settings JSON, is_active BOOLEAN NOT NULL DEFAULT 1, created_at DATETIME NOT NULL);
  CREATE TABLE users (id TEXT PRIMARY KEY, company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE, email VARCHAR(255) NOT NULL UNIQUE, role TEXT NOT NULL, full_name TEXT, last_login DATETIME, login_count INTEGER DEFAULT 0);
  CREATE TABLE applicants (id INTEGER PRIMARY KEY AUTOINCREMENT, company_id INTEGER NOT NULL REFERENCES companies (id), full_name TEXT NOT NULL, email TEXT, phone TEXT, income DECIMAL(12,2), household_size INTEGER, preferences JSON, notes TEXT, created_at DATETIME NOT NULL);
  CREATE INDEX idx_applicants_company ON applicants (company_id);
  CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, company_id INTEGER NOT NULL REFERENCES companies (id), name TEXT NOT NULL, address TEXT, total_units INTEGER, ami_levels TEXT, latitude REAL, longitude REAL, starts_on DATE, created_at DATETIME NOT NULL);
  CREATE INDEX idx_projects_company ON projects (company_id);
  CREATE TABLE matches (id INTEGER PRIMARY KEY AUTOINCREMENT, applicant_id INTEGER NOT NULL REFERENCES applicants (id), project_id INTEGER NOT NULL REFERENCES projects (id), score REAL NOT NULL, status TEXT NOT NULL DEFAULT 'pending', created_at DATETIME NOT NULL);
  CREATE TABLE activities (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT REFERENCES users (id), entity TEXT NOT NULL, action TEXT NOT NULL, details TEXT, "timestamp" DATETIME NOT NULL);
  CREATE INDEX idx_activities_timestamp ON activities ("timestamp");
  CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL REFERENCES users (id), message TEXT NOT NULL, read BOOLEAN NOT NULL DEFAULT 0, created_at DATETIME NOT NULL);
  CREATE TABLE investments (id INTEGER PRIMARY KEY AUTOINCREMENT, company_id INTEGER NOT NULL REFERENCES companies (id), project_id INTEGER REFERENCES projects (id), amount DECIMAL(14,2) NOT NULL, external_ref INTEGER, made_on DATE);
`

/** A small deterministic generator (mulberry32), so every demo database is the same. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = [
  'Ana',
  'Bo',
  'Chidi',
  'Dana',
  'Élodie',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'José',
  'Kai',
  'Lena',
  'Mo',
  'Nia',
  "O'Brien",
  'Priya',
]
const LAST = ['García', 'Nguyen', 'Smith', 'Okafor', 'Müller', 'Kowalski', 'Haddad', 'Tanaka', 'Silva', 'Johnson']
const CITIES = ['Oakland', 'Fresno', 'San José', 'Sacramento', 'Long Beach']

/** Writes the HomeVerse demo database at `path` (which must not exist yet); returns its row counts. */
export function writeHomeverseDatabase(path: string): Record<string, number> {
  const db = new Database(path)
  const next = random(20261121)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const base = Date.UTC(2024, 0, 1)
  const epochMs = (days: number) => base + Math.floor(days * 86_400_000)
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
  const counts: Record<string, number> = {}
  try {
    db.exec(SCHEMA)
    db.transaction(() => {
      const companies = db.prepare(
        'INSERT INTO companies (name, slug, plan, settings, is_active, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      for (let i = 1; i <= 12; i++) {
        // Booleans as the application wrote them over the years: 1/0 early, 'true'/'false' later.
        const active = i % 5 === 0 ? (i < 8 ? 0 : 'false') : i < 8 ? 1 : 'true'
        companies.run(
          `${pick(CITIES)} Housing Partners ${i}`,
          `company-${i}`,
          i % 3 ? 'basic' : 'enterprise',
          i % 4 ? JSON.stringify({ theme: 'light', seats: i * 5 }) : null,
          active,
          epochMs(i * 3),
        )
      }
      const users = db.prepare(
        'INSERT INTO users (id, company_id, email, role, full_name, last_login, login_count) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      const userIds: string[] = []
      for (let i = 1; i <= 150; i++) {
        const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`
        userIds.push(id)
        // Empty string and NULL are different answers ("no name given" vs "never asked").
        const name =
          i % 17 === 0 ? '' : i % 19 === 0 ? null : `${pick(FIRST)} ${pick(LAST)}${i % 23 === 0 ? ' 🏠' : ''}`
        users.run(
          id,
          1 + (i % 12),
          `user${i}@homeverse.example`,
          pick(['admin', 'manager', 'staff', 'lender', 'applicant']),
          name,
          i % 7 === 0 ? null : iso(epochMs(300 + next() * 60)),
          Math.floor(next() * 400),
        )
      }
      const applicants = db.prepare(
        'INSERT INTO applicants (company_id, full_name, email, phone, income, household_size, preferences, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      for (let i = 1; i <= 3000; i++) {
        const notes =
          i % 50 === 0
            ? 'Prefers ground floor.\tWheelchair access.\nCall after 5pm – C:\\docs\\form.pdf'
            : i % 11 === 0
              ? ''
              : null
        // A few values the application never validated: they do not fit their column and are rejected.
        const household: unknown = i === 1234 ? 'two' : i === 2345 ? 3.5 : 1 + Math.floor(next() * 6)
        const note = i === 999 ? 'pasted from a PDF\u0000with a NUL byte' : notes
        applicants.run(
          1 + (i % 12),
          `${pick(FIRST)} ${pick(LAST)}`,
          i % 9 === 0 ? null : `applicant${i}@mail.example`,
          i % 4 ? `+1-555-${String(1000 + (i % 9000)).padStart(4, '0')}` : null,
          Math.round(next() * 9_000_000) / 100,
          household,
          i % 6 ? JSON.stringify({ bedrooms: 1 + (i % 3), city: pick(CITIES) }) : null,
          note,
          epochMs(30 + i / 20),
        )
      }
      const projects = db.prepare(
        'INSERT INTO projects (company_id, name, address, total_units, ami_levels, latitude, longitude, starts_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      for (let i = 1; i <= 60; i++) {
        projects.run(
          1 + (i % 12),
          `${pick(CITIES)} Commons ${i}`,
          `${100 + i} Main St, ${pick(CITIES)}, CA`,
          20 + Math.floor(next() * 200),
          '30%,50%,80%',
          37 + next(),
          -122 + next(),
          i === 42 ? '2025-02-30' : new Date(epochMs(200 + i * 4)).toISOString().slice(0, 10),
          epochMs(20 + i),
        )
      }
      const matches = db.prepare(
        'INSERT INTO matches (applicant_id, project_id, score, status, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      for (let i = 1; i <= 5000; i++)
        matches.run(
          1 + Math.floor(next() * 3000),
          1 + Math.floor(next() * 60),
          Math.round(next() * 1e6) / 1e6,
          pick(['pending', 'approved', 'rejected', 'waitlisted']),
          epochMs(60 + i / 30),
        )
      const activities = db.prepare(
        'INSERT INTO activities (user_id, entity, action, details, "timestamp") VALUES (?, ?, ?, ?, ?)',
      )
      for (let i = 1; i <= 8000; i++) {
        // The audit trail stores epoch seconds (written by a different service than the rest).
        activities.run(
          i % 13 === 0 ? null : pick(userIds),
          pick(['applicant', 'project', 'match', 'user']),
          pick(['create', 'update', 'view', 'delete']),
          i % 3 ? JSON.stringify({ ip: `10.0.${i % 255}.${i % 7}` }) : null,
          i === 4321 ? 'yesterday' : Math.floor(epochMs(i / 25) / 1000),
        )
      }
      const notifications = db.prepare(
        'INSERT INTO notifications (user_id, message, read, created_at) VALUES (?, ?, ?, ?)',
      )
      for (let i = 1; i <= 1500; i++)
        notifications.run(
          pick(userIds),
          i % 40 === 0 ? 'New match: “Oakland Commons” 🎉' : 'Your application was updated.',
          i % 3 === 0 ? 1 : 0,
          epochMs(100 + i / 10),
        )
      const investments = db.prepare(
        'INSERT INTO investments (company_id, project_id, amount, external_ref, made_on) VALUES (?, ?, ?, ?, ?)',
      )
      db.defaultSafeIntegers(true)
      for (let i = 1; i <= 200; i++)
        investments.run(
          BigInt(1 + (i % 12)),
          i % 10 ? BigInt(1 + (i % 60)) : null,
          (Math.round(next() * 5e8) / 100).toFixed(2),
          9_007_199_254_740_993n + BigInt(i),
          new Date(epochMs(150 + i)).toISOString().slice(0, 10),
        )
      db.defaultSafeIntegers(false)
    })()
    for (const table of [
      'companies',
      'users',
      'applicants',
      'projects',
      'matches',
      'activities',
      'notifications',
      'investments',
    ]) {
      counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    }
  } finally {
    db.close()
  }
  return counts
}
