// CSV for people to open in a spreadsheet. A cell that starts with =, +, -, @, a tab or a carriage return is
// read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection"); such a value – a rejected row's
// value is whatever the source held – is written with a leading ' so it stays text (OWASP's advice), and quoted.
// A plain number such as -42 is no formula and is left as it is.

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i

/** One CSV cell (RFC 4180 quoting), neutralised against formulas; null is an empty cell. */
export function csvCell(value: string | null): string {
  if (value === null) return ''
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value
  return text !== value || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line, ending with a line break. */
export const csvRow = (values: (string | null)[]): string => `${values.map(csvCell).join(',')}\n`
