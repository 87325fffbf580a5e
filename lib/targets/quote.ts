import { escapeIdentifier } from 'pg'

/**
 * `name` as an SQL identifier that means exactly itself (case, spaces, reserved words and double quotes kept),
 * in PostgreSQL and in SQLite alike: wrapped in double quotes, each double quote inside doubled.
 */
export const quoteIdent = (name: string): string => escapeIdentifier(name)
