// What every state machine's table offers: `TABLE[from]` lists the states a record may move to from `from`.
// Pure and client-safe; each machine's own module fixes its table with `satisfies Transitions<…>`, so a new
// enum value without a row fails to compile.

export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>

export const canMoveIn = <S extends string>(table: Transitions<S>, from: S, to: S): boolean => table[from].includes(to)

/** The states nothing moves on from. */
export const finalStatesOf = <S extends string>(table: Transitions<S>): S[] =>
  (Object.keys(table) as S[]).filter((s) => table[s].length === 0)

/** The states from which a record may move to `to` – the from-set a guarded write matches. */
export const sourcesOf = <S extends string>(table: Transitions<S>, to: S): S[] =>
  (Object.keys(table) as S[]).filter((s) => table[s].includes(to))
