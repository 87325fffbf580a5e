// Modules the browser must never get start with `import 'server-only'`. Next.js resolves that package with the
// `react-server` condition on the server (its empty module) and refuses it in client bundles. Every other
// process that imports lib/ – the worker, the launcher, the command line, scripts, and Playwright's side of the
// e2e specs – is plain Node, which would resolve the package's default export: the one that throws. This hook
// resolves that one package with `react-server` (still its empty module), and leaves everything else, React
// included, resolved as before. Load it before the entry point: `tsx --import ./lib/runtime/server-only.mjs …`,
// or call register() before importing lib/ (bin/lockstep.mjs, playwright.config.ts).
import { register } from 'node:module'

register('./server-only-hooks.mjs', import.meta.url)
