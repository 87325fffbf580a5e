// What a protected environment requires of its runs, in words, for the connections page and the run view.

export type Safeguards = { requireRehearsal: boolean; requireBackupHours: number | null }

export function safeguardsInWords(e: Safeguards): string {
  const parts = [
    e.requireRehearsal ? 'an identical rollback rehearsal of the same scripts' : null,
    e.requireBackupHours
      ? `a verified backup of the target younger than ${e.requireBackupHours} h before the first step that can lose data`
      : null,
  ].filter(Boolean)
  return parts.length ? `Runs require an approved window, ${parts.join(' and ')}.` : 'Runs require an approved window.'
}
