import NextAuth, { CredentialsSignin } from 'next-auth'
import Credentials from 'next-auth/providers/credentials'
import { z } from 'zod'
import { appEnv } from '@/lib/env'
import { authenticate } from '@/lib/server/users/authenticate'
import { PASSWORD_MAX_LENGTH } from './password'
import { originFromHeaders } from './origin'
import { isWithinAbsoluteLimit, SESSION_COOKIE } from './session-rules'

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid'
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
})

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name: string }
    sessionVersion: number
  }
}

export const { handlers, signIn, signOut } = NextAuth(() => {
  const env = appEnv()
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    // A refused password (audited in the database) and an invalid or expired session cookie are
    // expected outcomes, not server errors: one line at most, never a stack trace.
    logger: {
      error(error) {
        if (error instanceof CredentialsSignin) return
        if ((error as { type?: string }).type === 'JWTSessionError') console.warn('[auth] ignored an invalid session cookie')
        else console.error('[auth]', error)
      },
    },
    pages: { signIn: '/login' },
    // The cookie lives as long as the idle limit; Auth.js renews it when its session endpoint is read,
    // which the console does only while the person is active (components/shell/session-keeper.tsx).
    session: { strategy: 'jwt', maxAge: Math.min(env.SESSION_IDLE_MINUTES * 60, env.SESSION_MAX_AGE_HOURS * 3600), updateAge: 60 },
    useSecureCookies: true,
    cookies: { sessionToken: { name: SESSION_COOKIE, options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } } },
    providers: [
      Credentials({
        credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw, request) {
          const parsed = ZCredentials.safeParse(raw)
          if (!parsed.success) throw new InvalidCredentials()
          const result = await authenticate(parsed.data.email, parsed.data.password, originFromHeaders(request.headers))
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.user.sessionVersion }
          if (result.reason === 'locked') throw new AccountLocked(result.retryIn)
          throw new InvalidCredentials()
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0
          token.authTime = Math.floor(Date.now() / 1000)
          return token
        }
        // Sliding renewal keeps an active session alive, but never past the absolute limit.
        return isWithinAbsoluteLimit(token.authTime, env.SESSION_MAX_AGE_HOURS) ? token : null
      },
      session({ session, token }) {
        session.user.id = token.sub ?? ''
        session.sessionVersion = typeof token.sv === 'number' ? token.sv : -1
        return session
      },
    },
  }
})
