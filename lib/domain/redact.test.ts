import { describe, expect, it } from 'vitest'
import { redact, withoutPaths } from './redact'

describe('redact', () => {
  it('masks passwords in URLs and key=value pairs, and the given secrets', () => {
    expect(redact('postgresql://app:s3cret@db:5432/x password=hunter2 token abcdef', ['abcdef'])).toBe(
      'postgresql://app:****@db:5432/x password=**** token ****',
    )
  })
})

describe('withoutPaths', () => {
  const roots = [
    { path: '/srv/lockstep/sqlite', name: 'the SQLite directory' },
    { path: '/var/lib/lockstep/backups/', name: 'the backup directory' },
  ]

  it('names files inside a configured directory relative to it, and the directory by its name', () => {
    expect(withoutPaths("ENOENT: no such file or directory, open '/srv/lockstep/sqlite/shop/orders.db'", roots)).toBe(
      "ENOENT: no such file or directory, open 'shop/orders.db'",
    )
    expect(
      withoutPaths(
        'pg_dump: error: could not open output file "/var/lib/lockstep/backups/2026-11-20/orders-0600-ab12cd34.dump": Permission denied',
        roots,
      ),
    ).toBe('pg_dump: error: could not open output file "2026-11-20/orders-0600-ab12cd34.dump": Permission denied')
    expect(withoutPaths("EACCES: permission denied, mkdir '/var/lib/lockstep/backups'", roots)).toBe(
      "EACCES: permission denied, mkdir 'the backup directory'",
    )
  })

  it('shortens any other absolute path to its base name, keeping the sentence around it', () => {
    expect(withoutPaths("EACCES: permission denied, realpath '/home/ops/secret/app.db'")).toBe(
      "EACCES: permission denied, realpath 'app.db'",
    )
    expect(withoutPaths('SQLite could not read /data/x/orders.db.')).toBe('SQLite could not read orders.db.')
    expect(withoutPaths('unable to open /tmp/lockstep-1234/pgdata: gone')).toBe('unable to open pgdata: gone')
  })

  it('leaves what is not a path alone: URLs, ratios, dates, SQL comments, a lone slash', () => {
    for (const text of [
      'Cannot reach PostgreSQL at 127.0.0.1:5432/lockstep: connection refused',
      'see https://www.postgresql.org/docs/current/app-pgdump.html',
      'read/write access, 2026/11/20, 1 000 rows/s',
      'ALTER TABLE t /* note */ ADD c int failed: syntax error',
      'a / b',
    ])
      expect(withoutPaths(text, roots)).toBe(text)
  })
})
