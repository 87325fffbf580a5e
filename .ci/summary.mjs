// Sums the JSON reports of Vitest and Playwright into the one line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs'

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null)
let passed = 0
let failed = 0
let skipped = 0

const vitest = read('.ci-results/vitest.json')
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
  skipped += vitest.numPendingTests + vitest.numTodoTests
} else {
  console.error('No Vitest report (.ci-results/vitest.json).')
}

const playwright = read('.ci-results/playwright.json')
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky
  failed += playwright.stats.unexpected
  skipped += playwright.stats.skipped
} else {
  console.error('No Playwright report (.ci-results/playwright.json); the browser tests did not run.')
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(vitest && playwright && failed === 0 && passed > 0 ? 0 : 1)
