import { randomUUID } from 'node:crypto'
import NextAuth, { CredentialsSignin } from 'next-auth'
import Credentials from 'next-auth/providers/credentials'
import { z } from 'zod'
import { appEnv } from '@/lib/env'
import { authenticate } from '@/lib/server/users/authenticate'
import { endSession, renewOpenSession } from '@/lib/server/users/sessions'
import { PASSWORD_MAX_LENGTH } from './password'
import { signInClientAddress } from './client-address'
import { ssoConfig } from './sso-env'
import { admitSsoSignIn, ssoProvider } from './sso-provider'
import { isWithinAbsoluteLimit, sessionClaims, sessionCookie } from './session-rules'

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid'
}
class CodeRequired extends CredentialsSignin {
  code = 'code-required'
}
class CodeInvalid extends CredentialsSignin {
  code = 'code-invalid'
}
class SsoRequired extends CredentialsSignin {
  code = 'sso-required'
}
class AccountLocked extends CredentialsSignin {
  constructor(readonly retryIn: string) {
    super()
    this.code = `locked:${retryIn}`
  }
}

const ZCredentials = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  code: z.string().max(32).optional(),
})

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name: string }
    sessionVersion: number
  }
  interface User {
    sessionVersion?: number
    sessionId?: string
  }
}

export const { handlers, signIn, signOut } = NextAuth(() => {
  const env = appEnv()
  const cookie = sessionCookie(env.LOCKSTEP_ALLOW_INSECURE_HTTP)
  const sso = ssoConfig(env)
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    // A refused password (audited in the database) and an invalid or expired session cookie are
    // expected outcomes, not server errors: one line at most, never a stack trace.
    logger: {
      error(error) {
        if (error instanceof CredentialsSignin) return
        if ((error as { type?: string }).type === 'JWTSessionError')
          console.warn('[auth] ignored an invalid session cookie')
        else console.error('[auth]', error)
      },
    },
    // Every failure, a single sign-on the identity provider cancelled included, lands on the sign-in page.
    pages: { signIn: '/login', error: '/login' },
    // The cookie lives as long as the idle limit; Auth.js renews it when its session endpoint is read,
    // which the console does only while the person is active (components/shell/session-keeper.tsx).
    session: {
      strategy: 'jwt',
      maxAge: Math.min(env.SESSION_IDLE_MINUTES * 60, env.SESSION_MAX_AGE_HOURS * 3600),
      updateAge: 60,
    },
    // Auth.js's other cookies (CSRF, callback URL) follow the session cookie: Secure and prefixed unless plain HTTP is allowed.
    useSecureCookies: cookie.secure,
    cookies: {
      sessionToken: {
        name: cookie.name,
        options: { httpOnly: true, sameSite: 'lax', path: '/', secure: cookie.secure },
      },
    },
    // Signing out through Auth.js's own endpoint ends the session server-side too (the console's sign-out
    // button has already ended it: lib/actions/auth.ts).
    events: {
      async signOut(message) {
        const claims = 'token' in message ? sessionClaims(message.token) : null
        if (claims) await endSession(claims.userId, claims.sessionId, null)
      },
    },
    providers: [
      Credentials({
        credentials: {
          email: { label: 'Email' },
          password: { label: 'Password', type: 'password' },
          code: { label: 'Code' },
        },
        async authorize(raw, request) {
          const parsed = ZCredentials.safeParse(raw)
          if (!parsed.success) throw new InvalidCredentials()
          // Names the session a successful sign-in opens server-side; the cookie carries it, and a code entered
          // now is remembered for it alone (re-authentication).
          const sessionId = randomUUID()
          const { email, password, code } = parsed.data
          const result = await authenticate(email, password, signInClientAddress(request.headers), { code, sessionId })
          if (result.ok)
            return {
              id: result.user.id,
              email: result.user.email,
              name: result.user.name,
              sessionVersion: result.user.sessionVersion,
              sessionId,
            }
          if (result.reason === 'locked') throw new AccountLocked(result.retryIn)
          if (result.reason === 'code-required') throw new CodeRequired()
          if (result.reason === 'code-invalid') throw new CodeInvalid()
          if (result.reason === 'sso-required') throw new SsoRequired()
          throw new InvalidCredentials()
        },
      }),
      ...(sso ? [ssoProvider(sso)] : []),
    ],
    callbacks: {
      signIn: ({ user, account, profile }) => (sso ? admitSsoSignIn(sso, user, account, profile) : true),
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id
          token.sv = user.sessionVersion ?? 0
          token.sid = user.sessionId
          token.authTime = Math.floor(Date.now() / 1000)
          return token
        }
        // Sliding renewal keeps an active session alive, but never past the absolute limit, and never one that
        // was signed out or ended server-side: null makes the session endpoint answer nothing and clear the cookie.
        if (!isWithinAbsoluteLimit(token.authTime, env.SESSION_MAX_AGE_HOURS)) return null
        const claims = sessionClaims(token)
        return claims && (await renewOpenSession(claims)) ? token : null
      },
      session({ session, token }) {
        session.user.id = token.sub ?? ''
        session.sessionVersion = typeof token.sv === 'number' ? token.sv : -1
        return session
      },
    },
  }
})
