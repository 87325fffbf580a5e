/**
 * A benchmark's whole-number option (`--rows 1000`), or its default. Anything else stops the benchmark with
 * one line before it starts anything, rather than minutes of set-up ending in figures of NaN.
 */
export function arg(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const given = process.argv[i + 1]
  const value = Number(given)
  if (given === undefined || given.trim() === '' || !Number.isInteger(value) || value < min) {
    console.error(
      `--${name} needs a whole number of at least ${min}, not ${given === undefined ? 'nothing' : `“${given}”`}.`,
    )
    process.exit(2)
  }
  return value
}
