import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

// A process of its own, since a nice value cannot be raised back without privileges.
const threadPriorities = (nice: number) => {
  const script = `
    import { readdirSync } from 'node:fs'
    import { getPriority } from 'node:os'
    import { Worker } from 'node:worker_threads'
    import { lowerPriority } from './lib/runtime/priority.ts'
    const said = lowerPriority(${nice})
    const later = new Worker('setInterval(() => {}, 1000)', { eval: true })
    later.on('online', () => {
      console.log(JSON.stringify({ said, threads: readdirSync('/proc/self/task').map((t) => getPriority(Number(t))) }))
      process.exit(0)
    })`
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  })
  return JSON.parse(out) as { said: string; threads: number[] }
}

describe.runIf(process.platform === 'linux')('lowerPriority', () => {
  it('lowers every thread of the process, those started before and after', () => {
    const { said, threads } = threadPriorities(7)
    expect(said).toBe('CPU priority lowered to nice 7')
    expect(threads.length).toBeGreaterThan(3)
    expect(new Set(threads)).toEqual(new Set([7]))
  })

  it('leaves the priority alone at nice 0', () => {
    const { said, threads } = threadPriorities(0)
    expect(said).toBe('normal CPU priority')
    expect(new Set(threads)).toEqual(new Set([0]))
  })
})
