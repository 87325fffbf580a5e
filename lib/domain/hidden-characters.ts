// Characters that make text read differently from what it is: the bidirectional overrides, isolates and marks
// of "Trojan Source" (CVE-2021-42574), which can reorder a name or hide code inside an SQL comment; characters
// that print as nothing (zero-width spaces and joiners, the soft hyphen, the byte order mark, invisible
// operators), so two names that look alike differ; the line and paragraph separators, which break lines that
// JavaScript and some editors see and others do not; the tag characters, which can carry a whole invisible
// ASCII text; and control characters other than tab and line breaks. Refused in every field of every form and
// in every plan document saved.
//
// Two exceptions keep ordinary writing: the zero-width joiner and non-joiner inside a word of a script that
// needs them (Persian, the Indic scripts…), the joiner inside an emoji sequence (👩‍💻), and the tag characters
// of the three subdivision flags Unicode recommends (England, Scotland, Wales).

const ZWNJ = 0x200c
const ZWJ = 0x200d
const BLACK_FLAG = 0x1f3f4
const CANCEL_TAG = 0xe007f

const isHidden = (code: number) =>
  (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
  (code >= 0x7f && code <= 0x9f) ||
  code === 0x00ad ||
  code === 0x061c ||
  (code >= 0x200b && code <= 0x200f) ||
  (code >= 0x2028 && code <= 0x202e) ||
  (code >= 0x2060 && code <= 0x2064) ||
  (code >= 0x2066 && code <= 0x2069) ||
  code === 0xfeff ||
  (code >= 0xe0000 && code <= 0xe007f)

// Letters and marks of the scripts that join (or not) by ZWJ/ZWNJ; Latin, Greek and Cyrillic never need them.
const JOINING_SCRIPT = /^[\p{L}\p{M}]$/u
const NEEDS_NO_JOINER = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]$/u
const inJoiningScript = (char: string | undefined) =>
  char !== undefined && JOINING_SCRIPT.test(char) && !NEEDS_NO_JOINER.test(char)
// What may stand before the joiner of an emoji sequence: a pictograph, a skin tone, or the emoji variation selector.
const EMOJI_BEFORE_JOINER = /^[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F]$/u
const EMOJI = /^\p{Extended_Pictographic}$/u

// The tag letters after 🏴 of the recommended subdivision flags: gbeng, gbsct, gbwls.
const FLAG_TAGS = ['gbeng', 'gbsct', 'gbwls'].map((letters) => [...letters].map((c) => 0xe0000 + c.charCodeAt(0)))

function joinerAllowed(chars: string[], i: number): boolean {
  const before = chars[i - 1]
  const after = chars[i + 1]
  if (inJoiningScript(before) && inJoiningScript(after)) return true
  return (
    chars[i]?.codePointAt(0) === ZWJ &&
    before !== undefined &&
    after !== undefined &&
    EMOJI_BEFORE_JOINER.test(before) &&
    EMOJI.test(after)
  )
}

/** How many characters from `i` (a black flag) form a recommended subdivision flag with its tags, or 0. */
function subdivisionFlagLength(codes: number[], i: number): number {
  for (const tags of FLAG_TAGS) {
    if (tags.every((tag, k) => codes[i + 1 + k] === tag) && codes[i + 1 + tags.length] === CANCEL_TAG)
      return tags.length + 2
  }
  return 0
}

export type HiddenCharacter = { codePoint: string; position: number }

/** The first hidden character in `text` (U+XXXX, 1-based position), or null. */
export function findHiddenCharacter(text: string): HiddenCharacter | null {
  const chars = [...text]
  const codes = chars.map((char) => char.codePointAt(0) ?? 0)
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0
    if (code === BLACK_FLAG) {
      const length = subdivisionFlagLength(codes, i)
      if (length) i += length - 1
      continue
    }
    if (!isHidden(code)) continue
    if ((code === ZWJ || code === ZWNJ) && joinerAllowed(chars, i)) continue
    return { codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, position: i + 1 }
  }
  return null
}

export const hiddenCharacterMessage = ({ codePoint, position }: HiddenCharacter) =>
  `Remove the invisible character ${codePoint} at position ${position}: control, text-direction and invisible characters can make text read differently from what it is.`

/** Each string inside `value` (through objects and arrays) that holds a hidden character, by its dotted path. */
export function hiddenCharacterFields(value: unknown, path = ''): Record<string, string[]> {
  if (typeof value === 'string') {
    const found = findHiddenCharacter(value)
    return found ? { [path || '_form']: [hiddenCharacterMessage(found)] } : {}
  }
  if (Array.isArray(value))
    return Object.assign({}, ...value.map((v, i) => hiddenCharacterFields(v, path ? `${path}.${i}` : String(i))))
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.assign(
      {},
      ...Object.entries(value).map(([k, v]) => hiddenCharacterFields(v, path ? `${path}.${k}` : k)),
    )
  }
  return {}
}
