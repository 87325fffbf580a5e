/** True while a session signed in at `authTime` (seconds since the epoch) is younger than `maxAgeHours`. */
export function isWithinAbsoluteLimit(authTime: unknown, maxAgeHours: number, nowMs = Date.now()): boolean {
  return typeof authTime === 'number' && nowMs / 1000 - authTime <= maxAgeHours * 3600
}
