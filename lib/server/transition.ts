import { canMoveIn, type Transitions } from '@/lib/domain/states/machine'
import { shortId } from '@/lib/domain/short-id'
import { stateWords } from '@/lib/domain/words'
import { DomainError } from './errors'

// The one way a state machine's record changes state: the move is checked against the machine's table, and
// the write matches the states it moves from, so a record another writer moved meanwhile (a cancel, a stale
// worker's sweep) is never overwritten – the caller gets a StateConflict naming where the record is instead.

/** A record was not in a state the move starts from; its message names the record and its state. */
export class StateConflict extends DomainError {
  constructor(
    readonly machine: string,
    readonly id: string,
    readonly actual: string | null,
    expected: readonly string[],
  ) {
    super(
      'CONFLICT',
      actual === null
        ? `${machine} ${shortId(id)} not found.`
        : `${machine} ${shortId(id)} is ${stateWords(actual)}, not ${expected.map(stateWords).join(' or ')}.`,
    )
    this.name = 'StateConflict'
  }
}

/** Throws when the table has no move from one of `from` to `to`: a programming error, not a race. */
export function assertMoves<S extends string>(machine: string, table: Transitions<S>, from: readonly S[], to: S) {
  const refused = from.filter((f) => !canMoveIn(table, f, to))
  if (refused.length > 0 || from.length === 0)
    throw new Error(`A ${machine.toLowerCase()} cannot move from ${refused.join(', ') || 'nowhere'} to ${to}.`)
}

export type Move<S extends string, Row> = {
  machine: string
  table: Transitions<S>
  id: string
  from: S | readonly S[]
  to: S
  /** One conditional write (`status IN from` and the caller's extra conditions); the rows it changed. */
  write: (from: S[]) => Promise<Row[]>
  /** The record's state now, read after the write changed nothing. */
  current: () => Promise<S | null>
}

/** Moves one record; its row as written, or a StateConflict when it was not in one of `from`. */
export async function move<S extends string, Row>(m: Move<S, Row>): Promise<Row> {
  const from: S[] = typeof m.from === 'string' ? [m.from] : [...m.from]
  assertMoves(m.machine, m.table, from, m.to)
  const [row] = await m.write(from)
  if (row) return row
  throw new StateConflict(m.machine, m.id, await m.current(), from)
}
