import type { SourceTable, TableProgress, TableState } from './model'
import type { PartState } from './state'

/** Live figures of each table, and the summary at the end. */
export class Tracker {
  private started = new Map<string, { at: number; written: number }>()
  private ended = new Map<string, number>()
  readonly states = new Map<string, TableState>()
  constructor(
    private tables: readonly SourceTable[],
    private parts: readonly PartState[],
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
      const rowsPerSecond = seconds > 0 ? Math.round(moved / seconds) : 0
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
}
