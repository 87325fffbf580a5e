import { readdirSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * Lowers this process's CPU priority to `nice` (0–19; 0 leaves it as it is). On Linux a nice value belongs to
 * each thread, so every thread the process already has is lowered (threads started later inherit it from the
 * one that starts them); elsewhere the process as a whole. Returns what was done, for the log.
 */
export function lowerPriority(nice: number): string {
  if (nice === 0) return 'normal CPU priority'
  try {
    const threads = process.platform === 'linux' ? readdirSync('/proc/self/task').map(Number) : [0]
    for (const thread of threads) setPriority(thread, nice)
    return `CPU priority lowered to nice ${nice}`
  } catch (error) {
    return `CPU priority left as it is (${error instanceof Error ? error.message : String(error)})`
  }
}
