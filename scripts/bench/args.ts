/** A benchmark's numeric option (`--rows 1000`), or its default. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
