import type { Code, Paragraph, PhrasingContent, RootContent } from 'mdast'
import {
  BACKUP_CONFIG_DEFAULTS,
  COPY_CONFIG_DEFAULTS,
  OBSERVE_CONFIG_DEFAULTS,
  VALIDATE_CONFIG_DEFAULTS,
} from '@/lib/domain/step-kinds'
import { code, isMappingTable, mappingTable, readMappingTable, unescapeCode } from './mapping-table'
import { lineOf, markdown, plain } from './nodes'
import { checkStepConfig, type ConfiguredKind, type DocCopyConfig } from './step-config'
import { cleanName } from './text'
import type { DocStep } from './types'

// Steps other than scripts, written so a person reads them and the parser reads them back the same:
//
//   **Step:** Copy the app's tables (copy)
//   Copy settings: mode create · tables all · schemas all · 2 connections · …
//   | Table | Column | Becomes | Type | Transform or filter | Rule |   (a copy's mapping, when it has one)
//
// The settings stay one line of `name value` parts rather than a fenced block: it reads as a sentence on
// GitHub, and the parts that could hold anything (table and schema names) stand in code spans, so a `·` or a
// comma in a name never splits it. A manual step's instructions follow in a ```text block.

const SETTINGS_TITLE: Record<ConfiguredKind, string> = {
  copy: 'Copy settings',
  validate: 'Validate settings',
  backup: 'Backup settings',
  observe: 'Observe settings',
  manual: 'Manual gate settings',
}

type Setting =
  | { key: string; words: string; type: 'choice'; choices: readonly string[]; when?: (c: Config) => boolean }
  | { key: string; words: string; type: 'names' | 'count' | 'yes-no' }
type Config = Record<string, unknown>

const SETTINGS: Record<ConfiguredKind, Setting[]> = {
  copy: [
    { key: 'mode', words: 'mode', type: 'choice', choices: ['create', 'existing'] },
    {
      key: 'existingRows',
      words: 'existing rows',
      type: 'choice',
      choices: ['refuse', 'empty', 'merge'],
      when: (c) => c.mode === 'existing',
    },
    { key: 'tables', words: 'tables', type: 'names' },
    { key: 'schemas', words: 'schemas', type: 'names' },
    { key: 'jobs', words: 'connections', type: 'count' },
    { key: 'chunkRows', words: 'rows per chunk', type: 'count' },
    { key: 'maxRejectedRows', words: 'rejected rows allowed', type: 'count' },
    { key: 'reload', words: 'reload', type: 'yes-no' },
  ],
  validate: [
    { key: 'tables', words: 'tables', type: 'names' },
    { key: 'schemas', words: 'schemas', type: 'names' },
    { key: 'maxSamples', words: 'samples per table', type: 'count' },
    { key: 'maxDifferences', words: 'differences per table', type: 'count' },
    { key: 'integrity', words: 'integrity checks', type: 'yes-no' },
  ],
  backup: [
    { key: 'of', words: 'of', type: 'choice', choices: ['target', 'source'] },
    { key: 'tables', words: 'tables', type: 'names' },
  ],
  observe: [
    { key: 'seconds', words: 'seconds watched', type: 'count' },
    { key: 'rollback', words: 'rollback', type: 'choice', choices: ['offer', 'start'] },
  ],
  manual: [{ key: 'requireChecklist', words: 'checklist required', type: 'yes-no' }],
}

// A document never says the emptying was confirmed (step-config.ts).
const COPY_DEFAULTS = Object.fromEntries(
  Object.entries(COPY_CONFIG_DEFAULTS).filter(([key]) => key !== 'emptyConfirmed'),
)
const DEFAULTS: Record<ConfiguredKind, Config> = {
  copy: COPY_DEFAULTS,
  validate: VALIDATE_CONFIG_DEFAULTS,
  backup: BACKUP_CONFIG_DEFAULTS,
  observe: OBSERVE_CONFIG_DEFAULTS,
  manual: { requireChecklist: false },
}

/** "2 connections", "1 connection": the first word that ends in s loses it when there is one. */
const counted = (n: number, words: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? words.replace(/\b(\w+?)s\b/, '$1') : words}`
const singular = (words: string) =>
  words
    .split(' ')
    .map((w) => w.replace(/s$/, ''))
    .join(' ')

const text = (value: string): PhrasingContent => ({ type: 'text', value })

function settingsLine(kind: ConfiguredKind, config: Config): Paragraph {
  const parts: PhrasingContent[][] = []
  for (const s of SETTINGS[kind]) {
    const value = config[s.key]
    if (s.type === 'choice' && s.when && !s.when(config)) continue
    if (s.type === 'names') {
      const names = Array.isArray(value) ? value.map(String) : []
      parts.push(
        names.length
          ? [text(`${s.words} `), ...names.flatMap((n, i) => (i ? [text(', '), code(n)] : [code(n)]))]
          : [text(`${s.words} all`)],
      )
    } else if (s.type === 'count') parts.push([text(counted(Number(value), s.words))])
    else if (s.type === 'yes-no') parts.push([text(`${s.words} ${value ? 'yes' : 'no'}`)])
    else parts.push([text(`${s.words} ${String(value)}`)])
  }
  const children: PhrasingContent[] = [text(`${SETTINGS_TITLE[kind]}: `)]
  parts.forEach((part, i) => children.push(...(i ? [text(' · ')] : []), ...part))
  // Neighbouring text nodes would be written as one anyway; merged, the tree says what the Markdown says.
  const merged = children.reduce<PhrasingContent[]>((out, node) => {
    const last = out.at(-1)
    if (last?.type === 'text' && node.type === 'text') last.value += node.value
    else out.push(node.type === 'text' ? { ...node } : node)
    return out
  }, [])
  return { type: 'paragraph', children: merged }
}

/** The Markdown of a configured step, or null when it is no such step (or its settings do not hold). */
export function configuredStepNodes(step: DocStep): RootContent[] | null {
  if (step.kind === 'sql' || step.kind === 'note') return null
  const { config } = checkStepConfig(step.kind, step.config)
  if (!config) return null
  const out: RootContent[] = [
    {
      type: 'paragraph',
      children: [{ type: 'strong', children: [text('Step:')] }, text(` ${step.name} (${step.kind})`)],
    },
    settingsLine(step.kind, config),
  ]
  if (step.kind === 'copy' && (config as DocCopyConfig).mapping.tables.length)
    out.push(mappingTable((config as DocCopyConfig).mapping))
  if (step.kind === 'manual') out.push({ type: 'code', lang: 'text', value: step.body })
  return out
}

const LABEL = /^step\s*:\s*(.+?)\s+\((copy|validate|backup|observe|manual)\)$/i
const TITLE = /^(copy|validate|backup|observe|manual gate) settings\s*:\s*/i
// A code span stands in a settings part as this character, which a document never holds (it is refused as binary).
const CODE_MARK = '\u0000'

/** The parts of a settings line, split at its `·`, with the code spans of each. */
function settingsParts(paragraph: Paragraph): { words: string; codes: string[] }[] {
  const parts = [{ words: '', codes: [] as string[] }]
  for (const node of paragraph.children) {
    const part = parts.at(-1)
    if (!part) break
    if (node.type === 'inlineCode') {
      part.words += CODE_MARK
      part.codes.push(unescapeCode(node.value))
      continue
    }
    const [first, ...rest] = ('value' in node ? node.value : plain(node)).split('·')
    part.words += first ?? ''
    for (const words of rest) parts.push({ words, codes: [] })
  }
  return parts.map((p) => ({ ...p, words: p.words.replace(/\s+/g, ' ').trim() }))
}

function readSettings(kind: ConfiguredKind, paragraph: Paragraph): { config: Config; problems: string[] } {
  const config: Config = { ...DEFAULTS[kind] }
  const problems: string[] = []
  const parts = settingsParts(paragraph)
  const first = parts[0]
  if (first) first.words = first.words.replace(TITLE, '')
  for (const { words, codes } of parts) {
    if (!words) continue
    const setting = SETTINGS[kind].find((s) =>
      s.type === 'count'
        ? singular(words.replace(/^[\d,.]+\s+/, '').toLowerCase()) === singular(s.words)
        : words.toLowerCase().startsWith(`${s.words} `),
    )
    if (!setting) {
      problems.push(`“${words.replaceAll(CODE_MARK, '…')}” is not one of its settings`)
      continue
    }
    const value = setting.type === 'count' ? (/^[\d,.]+/.exec(words)?.[0] ?? '') : words.slice(setting.words.length + 1)
    if (setting.type === 'count') config[setting.key] = Number(value.replaceAll(',', ''))
    else if (setting.type === 'yes-no')
      config[setting.key] = /^yes$/i.test(value) ? true : /^no$/i.test(value) ? false : value
    else if (setting.type === 'choice') config[setting.key] = value.toLowerCase()
    else if (/^all$/i.test(value)) config[setting.key] = []
    else {
      let next = 0
      config[setting.key] = value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
        .map((name) => (name === CODE_MARK ? (codes[next++] ?? '') : name))
    }
  }
  return { config, problems }
}

export type ReadStep = { step: DocStep; used: number; warning: { line: number | null; message: string } | null }

/**
 * The configured step whose `**Step:** name (kind)` line stands at `nodes[at]`, with the nodes it takes; null
 * when that line is not followed by its settings (a script's label, read as before). Settings or a mapping
 * that do not hold keep the step as a note, with a warning naming the step and the rule.
 */
export function readConfiguredStep(nodes: RootContent[], at: number): ReadStep | null {
  const label = nodes[at]
  const settings = nodes[at + 1]
  const match = label?.type === 'paragraph' ? LABEL.exec(plain(label)) : null
  if (!match?.[1] || !match[2] || settings?.type !== 'paragraph' || !TITLE.test(plain(settings))) return null
  const kind = match[2].toLowerCase() as ConfiguredKind
  const name = cleanName(match[1]).slice(0, 200) || 'Step'
  const taken: RootContent[] = [settings]
  const { config, problems } = readSettings(kind, settings)
  const title = TITLE.exec(plain(settings))?.[1] ?? ''
  if (`${title.toLowerCase()} settings` !== SETTINGS_TITLE[kind].toLowerCase())
    problems.unshift(`its settings are headed “${title} settings”, not “${SETTINGS_TITLE[kind]}”`)
  const next = nodes[at + 2]
  let body = ''
  if (kind === 'copy') {
    if (next?.type === 'table' && isMappingTable(next)) {
      taken.push(next)
      const read = readMappingTable(next)
      config.mapping = read.mapping
      problems.push(...read.problems)
    }
  } else if (kind === 'manual' && next?.type === 'code' && (next as Code).lang === 'text') {
    taken.push(next)
    body = next.value
  }
  const checked = problems.length ? null : checkStepConfig(kind, config)
  const all = checked?.problems ?? problems
  if (checked?.config && !checked.problems) {
    const empties = kind === 'copy' && config.mode === 'existing' && config.existingRows === 'empty'
    return {
      step: { kind, name, language: null, body, config: checked.config },
      used: taken.length + 1,
      warning: empties
        ? {
            line: lineOf(label),
            message: `The copy step “${name}” empties the target's tables that already have rows: confirm that on the step once imported (a document cannot confirm it for you); until then the step stops.`,
          }
        : null,
    }
  }
  return {
    step: { kind: 'note', name, language: 'markdown', body: markdown(taken) },
    used: taken.length + 1,
    warning: {
      line: lineOf(label),
      message: `The ${kind} step “${name}” cannot be read: ${all.join('; ')}. It is kept as a note.`,
    },
  }
}
