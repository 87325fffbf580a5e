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

  const char = (codePoint: string) => String.fromCodePoint(Number.parseInt(codePoint.slice(2), 16))

  it.each([
    { codePoint: 'U+061C', name: 'arabic letter mark' },
    { codePoint: 'U+200B', name: 'zero width space' },
    { codePoint: 'U+200C', name: 'zero width non-joiner, between Latin letters' },
    { codePoint: 'U+200D', name: 'zero width joiner, between Latin letters' },
    { codePoint: 'U+200E', name: 'left-to-right mark' },
    { codePoint: 'U+200F', name: 'right-to-left mark' },
    { codePoint: 'U+FEFF', name: 'zero width no-break space (byte order mark)' },
    { codePoint: 'U+2028', name: 'line separator' },
    { codePoint: 'U+2029', name: 'paragraph separator' },
    { codePoint: 'U+00AD', name: 'soft hyphen' },
    { codePoint: 'U+2060', name: 'word joiner' },
    { codePoint: 'U+2064', name: 'invisible plus' },
  ])('finds $codePoint ($name) inside a word', ({ codePoint }) => {
    expect(findHiddenCharacter(`ad${char(codePoint)}min`)).toEqual({ codePoint, position: 3 })
  })

  it.each([
    { codePoint: 'U+E0000', name: 'the first of the block' },
    { codePoint: 'U+E0001', name: 'language tag' },
    { codePoint: 'U+E0020', name: 'tag space' },
    { codePoint: 'U+E0041', name: 'tag latin capital letter a' },
    { codePoint: 'U+E0069', name: 'tag latin small letter i' },
    { codePoint: 'U+E007E', name: 'tag tilde' },
    { codePoint: 'U+E007F', name: 'cancel tag' },
  ])('finds the tag character $codePoint ($name), which can carry invisible ASCII', ({ codePoint }) => {
    expect(findHiddenCharacter(`ok${char(codePoint)}`)).toEqual({ codePoint, position: 3 })
  })

  it('finds instructions smuggled in tag characters after an emoji flag that is not one', () => {
    const smuggled = [...'ignore'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')
    expect(findHiddenCharacter(`\u{1F3F4}${smuggled}\u{E007F}`)).toEqual({ codePoint: 'U+E0069', position: 2 })
  })

  it('leaves ordinary text alone: tabs, line breaks, accents, right-to-left scripts, emoji with joiners', () => {
    for (const text of ['SELECT 1;\n\tSELECT 2;\r\n', 'Müller – Größe', 'שלום עולם', 'مرحبا', '👩‍💻 team', ''])
      expect(findHiddenCharacter(text)).toBeNull()
    // Positions count characters, not UTF-16 units.
    expect(findHiddenCharacter('👩‍💻\u202D')).toMatchObject({ position: 4 })
  })

  it('leaves the joiners where scripts and emoji need them: Persian and Devanagari words, emoji sequences, the subdivision flags', () => {
    const allowed = [
      'می\u200Cخواهم', // Persian: "I want", the non-joiner inside the word
      'क्\u200Dष', // Devanagari: a half form by the joiner after the virama
      'क्\u200Cष',
      '🧑🏽\u200D🔧 on call', // a skin tone, then the joiner
      '🏳️\u200D🌈', // a variation selector, then the joiner
      '🏃\u200D♀️',
      '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Scotland',
      '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}',
      '🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}',
    ]
    for (const text of allowed) expect(findHiddenCharacter(text), text).toBeNull()
    // A joiner at either end of an emoji sequence joins nothing.
    expect(findHiddenCharacter('👩\u200D team')).toEqual({ codePoint: 'U+200D', position: 2 })
    expect(findHiddenCharacter('x\u200D💻')).toEqual({ codePoint: 'U+200D', position: 2 })
    expect(findHiddenCharacter('\u200Dمرحبا')).toEqual({ codePoint: 'U+200D', position: 1 })
  })

  it('names every offending field, nested ones by their path', () => {
    const fields = hiddenCharacterFields({ title: 'ok', phases: [{ name: 'x\u202Ey' }], note: 'a\u0001', count: 3 })
    expect(Object.keys(fields).sort()).toEqual(['note', 'phases.0.name'])
    expect(fields['phases.0.name']?.[0]).toContain('U+202E at position 2')
  })
})
