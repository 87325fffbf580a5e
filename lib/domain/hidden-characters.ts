// Characters that make text read differently from what it is: the bidirectional overrides and isolates of
// "Trojan Source" (CVE-2021-42574), which can reorder a name or hide code inside an SQL comment, and control
// characters other than tab and line breaks. Refused in every field of every form and in imported documents.

const isHidden = (code: number) =>
  (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)

export type HiddenCharacter = { codePoint: string; position: number }

/** The first hidden character in `text` (U+XXXX, 1-based position), or null. */
export function findHiddenCharacter(text: string): HiddenCharacter | null {
  let position = 0
  for (const char of text) {
    position++
    const code = char.codePointAt(0) ?? 0
    if (isHidden(code)) return { codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, position }
  }
  return null
}

export const hiddenCharacterMessage = ({ codePoint, position }: HiddenCharacter) =>
  `Remove the invisible character ${codePoint} at position ${position}: control and text-direction characters can make text read differently from what it is.`

/** Each string inside `value` (through objects and arrays) that holds a hidden character, by its dotted path. */
export function hiddenCharacterFields(value: unknown, path = ''): Record<string, string[]> {
  if (typeof value === 'string') {
    const found = findHiddenCharacter(value)
    return found ? { [path || '_form']: [hiddenCharacterMessage(found)] } : {}
  }
  if (Array.isArray(value)) return Object.assign({}, ...value.map((v, i) => hiddenCharacterFields(v, path ? `${path}.${i}` : String(i))))
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.assign({}, ...Object.entries(value).map(([k, v]) => hiddenCharacterFields(v, path ? `${path}.${k}` : k)))
  }
  return {}
}
