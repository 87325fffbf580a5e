import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MARKDOWN_BOMBS } from './fixtures/markdown-bombs'
import { parsePlanDocument } from './parse'
import { parsePlanDocumentSafely, TOO_COMPLEX } from './parse-safely'
import { DocumentError } from './types'

// Documents whose cost is out of all proportion to their size are refused; real ones parse as in-process.

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal')
    },
    (error: Error) => error,
  )

describe('parsePlanDocumentSafely', () => {
  it('parses a real plan exactly as the parser does in-process', async () => {
    const source = readFileSync(join(import.meta.dirname, 'fixtures', 'zero-downtime-data-migration.md'))
    expect(await parsePlanDocumentSafely(source)).toEqual(parsePlanDocument(source))
  }, 30_000)

  it('finds its thread from any working directory', async () => {
    const source = readFileSync(join(import.meta.dirname, 'fixtures', 'zero-downtime-data-migration.md'))
    const cwd = process.cwd()
    process.chdir(tmpdir())
    try {
      expect(await parsePlanDocumentSafely(source)).toEqual(parsePlanDocument(source))
    } finally {
      process.chdir(cwd)
    }
  }, 30_000)

  it.each(MARKDOWN_BOMBS.map((bomb) => [bomb.name, bomb.text()]))(
    'refuses %s with a message',
    async (_name, source) => {
      const error = await refusal(parsePlanDocumentSafely(source, 3_000))
      expect(error).toBeInstanceOf(DocumentError)
      expect(error.message).toBe(TOO_COMPLEX)
    },
    30_000,
  )

  it('passes the parser’s own refusals through', async () => {
    const error = await refusal(parsePlanDocumentSafely(new Uint8Array([0, 1, 2, 3, 0, 255])))
    expect(error).toBeInstanceOf(DocumentError)
    expect(error.message).toMatch(/binary/)
  }, 30_000)
})
