// Splits the machine's cores between two groups of processes, as a deployment that gives the worker cores
// of its own would (Linux: /proc and taskset). A process's descendants are pinned with it; processes forked
// later (a PostgreSQL backend for a new connection) inherit their parent's cores.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

export type Proc = { pid: number; parent: number; command: string }
/** Chooses a group's processes from all the machine's. */
export type Choose = { label: string; pids: (all: Proc[]) => number[] }

function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        // "pid (comm) state ppid …": the command may hold spaces and parentheses, so read after the last ")".
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return [{ pid: Number(name), parent, command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ') }]
      } catch {
        return [] // gone meanwhile
      }
    })
}

/** The processes whose command line holds `text`, and all their descendants. */
export const commandTree =
  (label: string, text: string): Choose =>
  ({
    label,
    pids: (all) => {
      const chosen = new Set(all.filter((p) => p.command.includes(text)).map((p) => p.pid))
      for (let grew = true; grew; ) {
        grew = false
        for (const p of all) {
          if (chosen.has(p.parent) && !chosen.has(p.pid)) {
            chosen.add(p.pid)
            grew = true
          }
        }
      }
      return [...chosen]
    },
  })

/** One process, without its descendants. */
export const single = (label: string, pid: number): Choose => ({ label, pids: () => [pid] })

/** The first half of the cores for `first`, the rest for `second`; returns both core lists as taskset writes them. */
export function splitCores(first: Choose[], second: Choose[]): [string, string] {
  const cores = availableParallelism()
  if (cores < 2) throw new Error('--split-cores needs at least 2 cores.')
  const half = Math.floor(cores / 2)
  const lists: [string, string] = [half === 1 ? '0' : `0-${half - 1}`, half + 1 === cores ? String(half) : `${half}-${cores - 1}`]
  const all = processes()
  for (const [group, list] of [
    [first, lists[0]],
    [second, lists[1]],
  ] as const) {
    for (const { label, pids: choose } of group) {
      const pids = choose(all)
      if (pids.length === 0) throw new Error(`No process found for ${label}.`)
      for (const pid of pids) {
        try {
          execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', list, String(pid)], { stdio: 'ignore' })
        } catch {
          // exited meanwhile
        }
      }
    }
  }
  return lists
}
