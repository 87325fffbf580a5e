import type { RiskImpact, RiskLikelihood } from '@/lib/generated/prisma/enums'

// Words people use for impact and likelihood, mapped to Lockstep's levels. `undefined` means
// "a value we do not understand" (the caller warns); `null` means "no value given".

const IMPACT_WORDS: [RegExp, RiskImpact][] = [
  [/^(critical|catastrophic|extreme|blocker|very high|severe|showstopper|4|5|🔴)$/, 'CRITICAL'],
  [/^(high|major|significant|serious|medium high|med high|3|🟠)$/, 'HIGH'],
  [/^(medium|moderate|med|mid|average|low medium|2|🟡)$/, 'MEDIUM'],
  [/^(low|minor|negligible|minimal|insignificant|very low|1|🟢)$/, 'LOW'],
]

const LIKELIHOOD_WORDS: [RegExp, RiskLikelihood][] = [
  [/^(rare|rarely|very low|very unlikely|remote|improbable|negligible|1)$/, 'RARE'],
  [/^(unlikely|low|seldom|2|🟢)$/, 'UNLIKELY'],
  [/^(possible|medium|moderate|med|occasional|even|may happen|3|🟡)$/, 'POSSIBLE'],
  [/^(likely|high|probable|frequent|medium high|4|🟠)$/, 'LIKELY'],
  [/^(almost certain|certain|very likely|very high|expected|5|🔴)$/, 'ALMOST_CERTAIN'],
]

function normalize(value: string): string {
  return value
    .toLowerCase()
    .replace(/[*_`]/g, '')
    .replace(/\(.*?\)/g, '')
    .replace(/[-/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function lookup<T>(table: [RegExp, T][], raw: string | null | undefined): T | null | undefined {
  if (raw == null) return null
  const value = normalize(raw)
  if (!value) return null
  for (const [pattern, level] of table) if (pattern.test(value)) return level
  // "High – data loss possible": judge by the first word or two.
  const words = value.split(' ')
  for (const candidate of [words.slice(0, 2).join(' '), words[0] ?? '']) {
    for (const [pattern, level] of table) if (pattern.test(candidate)) return level
  }
  return undefined
}

export const impactLevel = (raw: string | null | undefined) => lookup(IMPACT_WORDS, raw)
export const likelihoodLevel = (raw: string | null | undefined) => lookup(LIKELIHOOD_WORDS, raw)
