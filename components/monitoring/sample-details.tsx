import { ProgressBar } from '@/components/ui/progress-bar'
import { Table, Td, Th } from '@/components/ui/table'
import type { DatabaseSample, SqliteSampleData } from '@/lib/domain/monitor-sample'

const n = (v: number) => v.toLocaleString('en')
const bytes = (b: number) =>
  b >= 1024 ** 3
    ? `${(b / 1024 ** 3).toFixed(1)} GB`
    : b >= 1024 ** 2
      ? `${(b / 1024 ** 2).toFixed(1)} MB`
      : b >= 1024
        ? `${(b / 1024).toFixed(0)} kB`
        : `${b} B`

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="space-y-2" aria-label={title}>
      <h3 className="text-sm font-semibold text-zinc-800">{title}</h3>
      {children}
    </section>
  )
}

/** COPY and CREATE INDEX in flight on the target, with their progress. */
export function ProgressSection({ sample }: { sample: DatabaseSample }) {
  if (!sample.copies.length && !sample.indexes.length)
    return (
      <Section title="COPY and index builds">
        <p className="text-sm text-zinc-500">No COPY or index build is running.</p>
      </Section>
    )
  return (
    <Section title="COPY and index builds">
      <ul className="space-y-2" data-testid="server-progress">
        {sample.copies.map((c) => (
          <li key={`copy-${c.pid}`} className="text-sm">
            <span className="font-mono text-xs">
              {c.command} {c.relation ?? '(query)'}
            </span>{' '}
            <span className="text-xs text-zinc-500">
              pid {c.pid} · {n(c.tuplesProcessed)} rows · {bytes(c.bytesProcessed)}
              {c.bytesTotal ? ` of ${bytes(c.bytesTotal)}` : ''}
            </span>
            {c.bytesTotal ? (
              <ProgressBar value={(100 * c.bytesProcessed) / c.bytesTotal} label={`COPY ${c.relation ?? ''}`} />
            ) : null}
          </li>
        ))}
        {sample.indexes.map((i) => (
          <li key={`index-${i.pid}`} className="text-sm">
            <span className="font-mono text-xs">
              CREATE INDEX {i.index ?? ''} ON {i.relation ?? ''}
            </span>{' '}
            <span className="text-xs text-zinc-500">
              pid {i.pid} · {i.phase}
            </span>
            <ProgressBar
              value={
                i.blocksTotal
                  ? (100 * i.blocksDone) / i.blocksTotal
                  : i.tuplesTotal
                    ? (100 * i.tuplesDone) / i.tuplesTotal
                    : 0
              }
              label={`Index build ${i.index ?? ''}`}
            />
          </li>
        ))}
      </ul>
    </Section>
  )
}

export function StatementsSection({ sample }: { sample: DatabaseSample }) {
  const s = sample.statements
  return (
    <Section title="Top statements by total time">
      {!s.available ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="statements-unavailable">
          {s.reason}
        </p>
      ) : (
        <Table caption="Top statements">
          <thead>
            <tr>
              <Th>Statement</Th>
              <Th className="text-right">Calls</Th>
              <Th className="text-right">Total</Th>
              <Th className="text-right">Mean</Th>
              <Th className="text-right">Rows</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {s.top.map((t, i) => (
              <tr key={i}>
                <Td className="max-w-md font-mono text-xs break-words">{t.query}</Td>
                <Td className="text-right tabular-nums">{n(t.calls)}</Td>
                <Td className="text-right tabular-nums">{n(Math.round(t.totalMs))} ms</Td>
                <Td className="text-right tabular-nums">{t.meanMs.toFixed(2)} ms</Td>
                <Td className="text-right tabular-nums">{n(t.rows)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Section>
  )
}

export function UnusedIndexesSection({ sample }: { sample: DatabaseSample }) {
  const unused = sample.unusedIndexes ?? []
  return (
    <Section title="Unused indexes">
      {!unused.length ? (
        <p className="text-sm text-zinc-500">
          Every index has been used since the statistics were last reset (primary keys and unique indexes are not
          listed).
        </p>
      ) : (
        <>
          <p className="text-xs text-zinc-500">
            Never scanned since the statistics were last reset: each one slows every write and takes space. Check
            replicas and rare jobs before dropping one.
          </p>
          <Table caption="Unused indexes">
            <thead>
              <tr>
                <Th>Index</Th>
                <Th>Table</Th>
                <Th className="text-right">Size</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {unused.map((u) => (
                <tr key={u.index}>
                  <Td className="font-mono text-xs">{u.index}</Td>
                  <Td className="font-mono text-xs">{u.table}</Td>
                  <Td className="text-right tabular-nums">{bytes(u.sizeBytes)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </Section>
  )
}

export function SqliteSection({ data }: { data: SqliteSampleData }) {
  return (
    <Section title="SQLite file">
      <p className="text-sm">
        {bytes(data.sizeBytes)} on disk · {data.tables.length} tables. SQLite keeps no activity statistics: size and row
        counts are all there is to watch.
      </p>
      <Table caption="Row counts">
        <thead>
          <tr>
            <Th>Table</Th>
            <Th className="text-right">Rows</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {data.tables.map((t) => (
            <tr key={t.name}>
              <Td className="font-mono text-xs">{t.name}</Td>
              <Td className="text-right tabular-nums">{n(t.rows)}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Section>
  )
}
