import { readFileSync } from 'node:fs'
import { parsePlanDocument } from '@/lib/plan-document/parse'
const plan = parsePlanDocument(readFileSync(process.argv[2]!))
const brief = { ...plan, phases: plan.phases.map((p) => ({ name: p.name, window: p.window, goal: p.goal, items: p.items.length, first: p.items[0], steps: p.steps.map((s) => `${s.kind}:${s.name}`) })), notes: plan.notes.map((n) => n.title) }
console.log(JSON.stringify(brief, null, 1))
