'use client'

import { useQuery } from '@tanstack/react-query'

/**
 * Keeps an open console's session alive: Auth.js renews the cookie (up to the absolute limit)
 * whenever its session endpoint is read.
 */
export function SessionKeeper() {
  useQuery({
    queryKey: ['auth', 'session'],
    queryFn: async () => (await fetch('/api/auth/session', { cache: 'no-store' })).ok,
    refetchInterval: 4 * 60_000,
    refetchOnWindowFocus: true,
    staleTime: 60_000,
  })
  return null
}
