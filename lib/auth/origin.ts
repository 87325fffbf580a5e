/** The client address a request came from, as the first proxy hop reports it. */
export function originFromHeaders(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  const value = forwarded || headers.get('x-real-ip')?.trim()
  return value ? value.slice(0, 100) : null
}
