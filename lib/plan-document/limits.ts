// Limits of plan documents, shared by the parser, the command line and the import page.
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

export const TOO_LARGE = `The document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; a migration plan is rarely more than a few hundred kB.`
