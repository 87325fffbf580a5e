// The Content-Security-Policy of every page: scripts only from this origin with the request's nonce (Next.js
// puts it on its own scripts; 'strict-dynamic' lets them load the chunks they import), no plugins, no
// framing by anyone, forms and fetches to this origin only. Style attributes stay allowed: the progress
// bars and charts size themselves with them, and a style attribute cannot run code.

export function contentSecurityPolicy(nonce: string, { development = false } = {}): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging aids; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** 128 random bits, base64: unguessable and fresh for each request. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')
}
