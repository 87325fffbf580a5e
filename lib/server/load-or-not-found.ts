import { notFound } from 'next/navigation'
import { DomainError } from './errors'

/** For pages: a data-layer "not found" (or "forbidden") becomes the 404 page. */
export async function loadOrNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) notFound()
    throw error
  }
}
