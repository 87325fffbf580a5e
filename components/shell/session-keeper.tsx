'use client'

import { useEffect } from 'react'

const RENEW_EVERY_MS = 60_000
const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const

/**
 * Keeps the session of a person who is using the console alive: Auth.js renews the cookie (up to the
 * absolute limit) when its session endpoint is read, and this reads it at most once a minute, only after
 * a click, a key or a scroll. An open tab nobody touches lets the session end at the idle limit, polling
 * of live views notwithstanding (reads never renew it).
 */
export function SessionKeeper() {
  useEffect(() => {
    let lastRenewal = Date.now()
    const renew = () => {
      if (Date.now() - lastRenewal < RENEW_EVERY_MS) return
      lastRenewal = Date.now()
      void fetch('/api/auth/session', { cache: 'no-store' }).catch(() => undefined)
    }
    for (const type of ACTIVITY) window.addEventListener(type, renew, { passive: true })
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, renew)
    }
  }, [])
  return null
}
