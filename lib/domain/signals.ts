/** What a DBA may do to a blocking session: cancel its statement or terminate its backend. */
export const SIGNALS = ['cancel', 'terminate'] as const
export type Signal = (typeof SIGNALS)[number]

/** The phrase a DBA types to confirm, e.g. "terminate 4242". */
export const confirmationOf = (signal: Signal, pid: number) => `${signal} ${pid}`
