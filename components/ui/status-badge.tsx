import { Badge, type BadgeTone } from './badge'

/**
 * The body every state machine's badge shares: a glyph, the word and a colour (never colour alone), with
 * what it is the status of said to screen readers. `testId` marks the word itself.
 */
export function StatusBadge({
  tone,
  glyph,
  label,
  srPrefix,
  testId,
}: {
  tone: BadgeTone
  glyph: string
  label: string
  srPrefix: string
  testId?: string
}) {
  return (
    <Badge tone={tone}>
      <span aria-hidden="true" className="mr-1">
        {glyph}
      </span>
      <span className="sr-only">{srPrefix} </span>
      {testId ? <span data-testid={testId}>{label}</span> : label}
    </Badge>
  )
}
