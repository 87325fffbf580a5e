import type { SourceTable, TableProgress, TableState } from './model'
import type { PartState } from './state'

/** How far back a copy shared by workers measures its rate: their figures arrive a second apart. */
const RECENT_MS = 5_000

/**
 * Live figures of each table, and the summary at the end. `recent`: rows per second over the last few seconds
 * (a copy shared by workers, whose number changes as they come and go), not over the whole attempt.
 */
export class Tracker {
  private started = new Map<string, { at: number; written: number }>()
  private ended = new Map<string, number>()
  private samples = new Map<string, { at: number; written: number }[]>()
  readonly states = new Map<string, TableState>()
  /** Workers loading the copy's parts now (a copy shared by workers); 0 otherwise. */
  workers = 0
  constructor(
    private tables: readonly SourceTable[],
    private parts: readonly PartState[],
    private recent = false,
  ) {
    for (const t of tables)
      this.states.set(t.name, parts.filter((p) => p.table === t.name).every((p) => p.done) ? 'done' : 'pending')
  }
  private totals(table: string) {
    const mine = this.parts.filter((p) => p.table === table)
    return { written: mine.reduce((n, p) => n + p.written, 0), rejected: mine.reduce((n, p) => n + p.rejected, 0) }
  }
  begin(table: string, state: TableState = 'copying') {
    if (!this.started.has(table))
      this.started.set(table, { at: performance.now(), written: this.totals(table).written })
    this.states.set(table, state)
  }
  end(table: string, state: TableState) {
    this.states.set(table, state)
    this.ended.set(table, performance.now())
  }
  rejected = () => this.parts.reduce((n, p) => n + p.rejected, 0)
  snapshot(): TableProgress[] {
    const now = performance.now()
    return this.tables.map((t) => {
      const { written, rejected } = this.totals(t.name)
      const start = this.started.get(t.name)
      const seconds = start ? ((this.ended.get(t.name) ?? now) - start.at) / 1000 : 0
      const moved = start ? written - start.written : 0
      // Once a table is loaded, its rate is that of the whole attempt, as in the summary of an in-process copy.
      const rowsPerSecond =
        this.recent && this.states.get(t.name) === 'copying'
          ? this.recentRate(t.name, now, written)
          : seconds > 0
            ? Math.round(moved / seconds)
            : 0
      const left = Math.max(0, t.rows - written - rejected)
      const state = this.states.get(t.name) ?? 'pending'
      return {
        table: t.name,
        state,
        total: t.rows,
        written,
        rejected,
        rowsPerSecond,
        etaSeconds: state === 'done' ? 0 : rowsPerSecond > 0 ? Math.round(left / rowsPerSecond) : null,
        seconds: Math.round(seconds * 10) / 10,
      }
    })
  }
  private recentRate(table: string, now: number, written: number): number {
    const kept = (this.samples.get(table) ?? []).filter((x) => now - x.at <= RECENT_MS)
    kept.push({ at: now, written })
    this.samples.set(table, kept)
    const first = kept[0]
    const seconds = first ? (now - first.at) / 1000 : 0
    return first && seconds > 0 ? Math.round((written - first.written) / seconds) : 0
  }
}
