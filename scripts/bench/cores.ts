// Splits the machine's cores between two groups of processes, as a deployment that gives the worker cores
// of its own would (Linux: /proc and taskset). A process's descendants are pinned with it; processes forked
// later (a PostgreSQL backend for a new connection) inherit their parent's cores. Also counts the CPU time a
// group of processes has used, so a benchmark can say where the machine's cores went.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

export type Proc = { pid: number; parent: number; command: string; cpuSeconds: number }
/** Chooses a group's processes from all the machine's. */
export type Choose = { label: string; pids: (all: Proc[]) => number[] }

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        // "pid (comm) state ppid …": the command may hold spaces and parentheses, so read after the last ")".
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        // utime, stime, cutime, cstime (proc(5) fields 14–17, in clock ticks): the process's own time, all its
        // threads included, and that of the descendants it has waited for, which are gone from /proc. Summed
        // over a tree of live processes, every process that ever ran in it is counted once.
        const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0)
        return [
          {
            pid: Number(name),
            parent: Number(fields[1]),
            command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' '),
            cpuSeconds: ticks / TICKS_PER_SECOND,
          },
        ]
      } catch {
        return [] // gone meanwhile
      }
    })
}

/** The processes whose command line holds `text`, and all their descendants; with `under`, only among that process's descendants. */
export const commandTree = (label: string, text: string, under?: number): Choose => ({
  label,
  pids: (all) => {
    const within = under === undefined ? all : all.filter((p) => descendants(all, [under]).has(p.pid))
    return [
      ...descendants(
        all,
        within.filter((p) => p.command.includes(text)).map((p) => p.pid),
      ),
    ]
  },
})

/** The given processes and all their descendants. */
function descendants(all: Proc[], roots: number[]): Set<number> {
  const chosen = new Set(roots)
  for (let grew = true; grew;) {
    grew = false
    for (const p of all) {
      if (chosen.has(p.parent) && !chosen.has(p.pid)) {
        chosen.add(p.pid)
        grew = true
      }
    }
  }
  return chosen
}

/** One process, without its descendants. */
export const single = (label: string, pid: number): Choose => ({ label, pids: () => [pid] })

/** The first half of the cores for `first`, the rest for `second`; returns both core lists as taskset writes them. */
export function splitCores(first: Choose[], second: Choose[]): [string, string] {
  const cores = availableParallelism()
  if (cores < 2) throw new Error('--split-cores needs at least 2 cores.')
  const half = Math.floor(cores / 2)
  const lists: [string, string] = [
    half === 1 ? '0' : `0-${half - 1}`,
    half + 1 === cores ? String(half) : `${half}-${cores - 1}`,
  ]
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

/** The CPU seconds each group's processes have used so far, by label (a process in two groups counts in the first). */
export function cpuSeconds(groups: Choose[]): Map<string, number> {
  const all = processes()
  const byPid = new Map(all.map((p) => [p.pid, p]))
  const counted = new Set<number>()
  return new Map(
    groups.map(({ label, pids }) => {
      const mine = pids(all).filter((pid) => !counted.has(pid))
      for (const pid of mine) counted.add(pid)
      return [label, mine.reduce((n, pid) => n + (byPid.get(pid)?.cpuSeconds ?? 0), 0)]
    }),
  )
}
