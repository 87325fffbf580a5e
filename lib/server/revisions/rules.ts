// What a person is told before changing a script that already ran (Flyway's rule: an applied script is
// not edited), naming the environments where it ran.

const listed = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`

export function appliedScriptWarning(environments: string[]): string {
  const where = listed(environments)
  return (
    `This script already ran on ${where}. An applied script is not edited: add the change as a new step, ` +
    `which runs after it and leaves the applied one as it is – or edit it anyway, and a DBA will have to accept ` +
    `the new checksum on ${where} before a run there goes on.`
  )
}
