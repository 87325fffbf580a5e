'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import type { z } from 'zod'
import { MAX_DOCUMENT_BYTES, TOO_LARGE } from '@/lib/plan-document/limits'
import { parsePlanDocumentSafely } from '@/lib/plan-document/parse-safely'
import { DocumentError, type DocPlan } from '@/lib/plan-document/types'
import { invalid } from '@/lib/server/errors'
import { assertNoHiddenCharacters, importPlanDocument } from '@/lib/server/plans/documents'
import { ZPlanDocument } from '@/lib/server/plans/schemas'
import { defineAction } from './define-action'

// Either way it arrives, the server parses the document itself (a preview sent back by the browser is never trusted).

async function readDocument(input: z.infer<typeof ZPlanDocument>): Promise<DocPlan> {
  const file = input.file && input.file.size > 0 ? input.file : null
  if (file && file.size > MAX_DOCUMENT_BYTES) throw invalid(TOO_LARGE)
  const source = file ? new Uint8Array(await file.arrayBuffer()) : (input.text ?? '')
  if (!file && !source.length) throw invalid('Choose a Markdown file, or paste the document.')
  let plan: DocPlan
  try {
    plan = await parsePlanDocumentSafely(source)
  } catch (error) {
    // An uploaded file is named by the name it had on the person's machine; pasted text has none.
    if (error instanceof DocumentError) throw invalid(file?.name ? `${file.name}: ${error.message}` : error.message)
    throw error
  }
  // The preview says now what saving would refuse (importPlanDocument checks again).
  assertNoHiddenCharacters(plan)
  return plan
}

/** What the document would become, for the preview; saves nothing. */
export const previewPlanDocumentAction = defineAction('plan:edit', ZPlanDocument, async (input) => readDocument(input))

/** Saves the document as a new draft plan and opens it. */
export const importPlanDocumentAction = defineAction('plan:edit', ZPlanDocument, async (input, actor) => {
  const { id } = await importPlanDocument(actor, await readDocument(input))
  revalidatePath('/plans')
  redirect(`/plans/${id}`)
})
