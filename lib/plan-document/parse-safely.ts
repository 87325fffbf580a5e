import { startBuiltThread } from '@/lib/runtime/threads'
import { DocumentError, type DocPlan } from './types'

// Markdown parsing has inputs that cost far more than their size: a 1 MB document of emphasis marks takes
// minutes, a list nested a thousand deep exhausts the stack after most of a minute. Documents from people
// are therefore parsed in a worker thread with a time and memory budget, and a document over it is refused
// with a message – the server's own thread never waits on one.

export const PARSE_BUDGET_MS = 5_000
export const TOO_COMPLEX = `The document is too complex to read (more than ${PARSE_BUDGET_MS / 1000} s of parsing, or nesting too deep). A plan document has at most a few levels of lists and quotes; check that it is the right file.`

type Reply = { ok: true; plan: DocPlan } | { ok: false; known: boolean; message: string }

/** parsePlanDocument with a budget: refuses (DocumentError) what does not parse within it. */
export function parsePlanDocumentSafely(source: string | Uint8Array, budgetMs = PARSE_BUDGET_MS): Promise<DocPlan> {
  return new Promise((resolve, reject) => {
    const worker = startBuiltThread('plan-document-parser', { source }, { maxOldGenerationSizeMb: 512, stackSizeMb: 4 })
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void worker.terminate()
      fn()
    }
    const timer = setTimeout(() => settle(() => reject(new DocumentError(TOO_COMPLEX))), budgetMs)
    worker.once('message', (reply: Reply) => {
      if (reply.ok) settle(() => resolve(reply.plan))
      else if (reply.known) settle(() => reject(new DocumentError(reply.message)))
      else if (/call stack|out of memory/i.test(reply.message)) settle(() => reject(new DocumentError(TOO_COMPLEX)))
      else settle(() => reject(new Error(reply.message)))
    })
    worker.once('error', (error) =>
      settle(() => reject(/memory|call stack/i.test(error.message) ? new DocumentError(TOO_COMPLEX) : error)),
    )
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          code === 0 ? new Error('The document parser stopped without an answer.') : new DocumentError(TOO_COMPLEX),
        ),
      ),
    )
  })
}
