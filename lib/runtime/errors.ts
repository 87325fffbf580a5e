/** A startup problem with a one-line explanation for the operator; printed without a stack trace. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'StartupError'
  }
}
