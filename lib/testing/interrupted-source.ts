import type { CopySource } from '@/lib/engine/copy/model'

/** A copy source that aborts `controller` as its `n`th chunk is read, as a person cancelling mid-copy would. */
export function interruptedAt(source: CopySource, n: number, controller: AbortController): CopySource {
  let chunks = 0
  return {
    ...source,
    reader: async () => {
      const reader = await source.reader()
      return {
        ...reader,
        chunk: async (...args) => {
          if (++chunks === n) controller.abort()
          return reader.chunk(...args)
        },
      }
    },
  }
}
