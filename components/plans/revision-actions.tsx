'use client'

import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { acceptChecksumAction, restoreRevisionAction } from '@/lib/actions/revisions'

/** Makes a revision the step's script again, as a new revision with exactly its text. */
export function RestoreRevisionButton({
  stepId,
  revisionId,
  number,
  appliedOn,
}: {
  stepId: string
  revisionId: string
  number: number
  /** Environments where another text is applied: a run there will need a DBA's acceptance. */
  appliedOn: string[]
}) {
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Restore<span className="sr-only"> revision {number}</span>
        </>
      }
      triggerVariant="secondary"
      tone="primary"
      title={`Restore revision ${number}?`}
      description={
        <>
          The script and rollback script become exactly those of revision {number} (same checksum), saved as a new
          revision; approved windows of the phase go back for approval.
          {appliedOn.length ? (
            <>
              {' '}
              Another text ran on {appliedOn.join(', ')}: a run there refuses this one until a DBA accepts its checksum.
            </>
          ) : null}
        </>
      }
      confirmLabel={`Restore revision ${number}`}
      onConfirm={async () => {
        const result = await restoreRevisionAction({ stepId, revisionId })
        return result.ok ? null : result.error
      }}
    />
  )
}

/** DBAs: the next run on the environment takes the changed script as applied (Flyway's repair). */
export function AcceptChecksumButton({
  stepId,
  environmentId,
  environmentName,
}: {
  stepId: string
  environmentId: string
  environmentName: string
}) {
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Accept the new checksum…<span className="sr-only"> on {environmentName}</span>
        </>
      }
      triggerVariant="secondary"
      tone="primary"
      title={`Accept the new checksum on ${environmentName}?`}
      description={`Like Flyway's repair: the next run on ${environmentName} records the current script's checksum in the target's history instead of refusing it, and does not run the script again – so only accept a change that needs no running there (a comment, formatting, or a change you made by hand).`}
      note={{ label: 'Why is this safe?', hint: 'e.g. only a comment changed; the new index was created by hand.' }}
      confirmLabel="Accept the new checksum"
      onConfirm={async (reason) => {
        const result = await acceptChecksumAction({ stepId, environmentId, reason })
        return result.ok ? null : result.error
      }}
    />
  )
}
