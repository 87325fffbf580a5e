import iconv from 'iconv-lite'

// Cleaning text found in documents: mojibake repaired, decorative symbols trimmed from headings.

// Text that was UTF-8, read as another 8-bit encoding and saved as UTF-8 again ("üóÑÔ∏è" for "🗄️",
// "â€™" for "’"). Each line is re-encoded with the usual culprits; a line is replaced only when that
// gives valid UTF-8 that differs, which text written correctly almost never does.
const MOJIBAKE_ENCODINGS = ['macintosh', 'windows-1252'] as const
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function repairMojibake(line: string): string {
  if (!/[^\x00-\x7f]/.test(line)) return line
  for (const encoding of MOJIBAKE_ENCODINGS) {
    const bytes = encode(line, encoding)
    if (!bytes) continue // some character has no byte in this encoding
    for (const candidate of [bytes, restoreEmojiLeads(bytes)]) {
      try {
        const repaired = strictUtf8.decode(candidate)
        if (repaired !== line) return repaired
      } catch {
        // not UTF-8 underneath: the line was fine
      }
    }
  }
  return line
}

/** The bytes `line` was read from in `encoding`, or null if it cannot have been. */
function encode(line: string, encoding: (typeof MOJIBAKE_ENCODINGS)[number]): Uint8Array | null {
  // Mac Roman's byte F0 is the Apple logo, a private-use character iconv-lite leaves unmapped.
  const parts = encoding === 'macintosh' ? line.split('\uF8FF') : [line]
  const chunks: Uint8Array[] = []
  for (const [i, part] of parts.entries()) {
    const bytes = iconv.encode(part, encoding)
    if (iconv.decode(bytes, encoding) !== part) return null
    if (i > 0) chunks.push(Uint8Array.of(0xf0))
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

// Mac Roman shows byte F0 as the Apple logo (a private-use character) that converters usually drop, so
// an emoji (F0 9F xx xx) comes back as three characters. Put the F0 back before a stray 9F.
function restoreEmojiLeads(bytes: Uint8Array): Uint8Array {
  const out: number[] = []
  bytes.forEach((byte, i) => {
    const previous = bytes[i - 1] ?? 0
    if (byte === 0x9f && (previous < 0x80 || previous >= 0xc0) && !(previous >= 0xf0 && previous <= 0xf4))
      out.push(0xf0)
    out.push(byte)
  })
  return Uint8Array.from(out)
}

/** Repairs every line; reports whether anything changed. */
export function repairText(text: string): { text: string; repairedLines: number[] } {
  const repairedLines: number[] = []
  const lines = text.split('\n').map((line, index) => {
    const repaired = repairMojibake(line)
    if (repaired !== line) repairedLines.push(index + 1)
    return repaired
  })
  return { text: lines.join('\n'), repairedLines }
}

const DECORATION = /^[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D\u20E3\s*_~:|\-–—•·]+/u
const NUMBERING = /^(?:(?:\d+\.)+\d*|\d+\)|[ivxlc]+\.|[a-z]\))\s+/i

/** A heading or list lead as a name: leading emoji, bullets and numbering ("2.1", "3.") removed. */
export function cleanName(raw: string): string {
  let name = raw.replace(/\s+/g, ' ').trim()
  for (let i = 0; i < 3; i++) name = name.replace(DECORATION, '').replace(NUMBERING, '').trim()
  return name.replace(/[\s:]+$/, '').trim()
}

/** For matching section titles: lower case, no decoration, single spaces. */
export function keyOf(raw: string): string {
  return cleanName(raw)
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}
