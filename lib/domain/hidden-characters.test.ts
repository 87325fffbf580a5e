import { describe, expect, it } from 'vitest'
import { findHiddenCharacter, hiddenCharacterFields } from './hidden-characters'

describe('hidden characters', () => {
  it('finds text-direction overrides and isolates, and control characters', () => {
    expect(findHiddenCharacter('invoice\u202Efdp.exe')).toEqual({ codePoint: 'U+202E', position: 8 })
    expect(findHiddenCharacter('\u2066prod\u2069')).toEqual({ codePoint: 'U+2066', position: 1 })
    expect(findHiddenCharacter('a\u0000b')).toEqual({ codePoint: 'U+0000', position: 2 })
    expect(findHiddenCharacter('bell\u0007')).toMatchObject({ codePoint: 'U+0007' })
    expect(findHiddenCharacter('c1\u009B')).toMatchObject({ codePoint: 'U+009B' })
    expect(findHiddenCharacter('del\u007F')).toMatchObject({ codePoint: 'U+007F' })
  })

  it('leaves ordinary text alone: tabs, line breaks, accents, right-to-left scripts, emoji with joiners', () => {
    for (const text of ['SELECT 1;\n\tSELECT 2;\r\n', 'Müller – Größe', 'שלום עולם', 'مرحبا', '👩‍💻 team', '']) expect(findHiddenCharacter(text)).toBeNull()
    // Positions count characters, not UTF-16 units.
    expect(findHiddenCharacter('👩‍💻\u202D')).toMatchObject({ position: 4 })
  })

  it('names every offending field, nested ones by their path', () => {
    const fields = hiddenCharacterFields({ title: 'ok', phases: [{ name: 'x\u202Ey' }], note: 'a\u0001', count: 3 })
    expect(Object.keys(fields).sort()).toEqual(['note', 'phases.0.name'])
    expect(fields['phases.0.name']?.[0]).toContain('U+202E at position 2')
  })
})
