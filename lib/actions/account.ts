'use server'

import { confirmMfaEnrolment, startMfaEnrolment } from '@/lib/server/users/mfa'
import { ZNoInput } from '@/lib/server/fields'
import { ZConfirmMfa } from '@/lib/server/users/schemas'
import { defineAction } from './define-action'

// One's own two-factor sign-in. These also serve an admin or DBA who still has to set it up, and nothing else does.

export const startMfaEnrolmentAction = defineAction(
  'account:own',
  ZNoInput,
  async (_input, actor) => startMfaEnrolment(actor),
  { enrolling: true },
)

export const confirmMfaEnrolmentAction = defineAction(
  'account:own',
  ZConfirmMfa,
  async ({ code }, actor) => confirmMfaEnrolment(actor, code),
  { enrolling: true },
)
