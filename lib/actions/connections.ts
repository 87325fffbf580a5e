'use server'

import { revalidatePath } from 'next/cache'
import {
  createConnection,
  createEnvironment,
  deleteConnection,
  updateConnection,
  updateEnvironment,
} from '@/lib/server/connections/commands'
import { introspectConnection, testConnection } from '@/lib/server/connections/probes'
import {
  ZConnection,
  ZConnectionId,
  ZEnvironment,
  ZEnvironmentSafeguards,
  ZUpdateConnection,
  ZUpdateEnvironment,
} from '@/lib/server/connections/schemas'
import { setEnvironmentSafeguards } from '@/lib/server/connections/safeguards'
import { defineAction } from './define-action'

const changed = <T>(result: T) => {
  revalidatePath('/connections')
  revalidatePath('/windows')
  return result
}

export const createEnvironmentAction = defineAction('connection:manage', ZEnvironment, async (input, actor) =>
  changed(await createEnvironment(actor, input)),
)
export const setEnvironmentSafeguardsAction = defineAction(
  'connection:manage',
  ZEnvironmentSafeguards,
  async (input, actor) => changed(await setEnvironmentSafeguards(actor, input)),
)
export const updateEnvironmentAction = defineAction('connection:manage', ZUpdateEnvironment, async (input, actor) =>
  changed(await updateEnvironment(actor, input)),
)
export const createConnectionAction = defineAction('connection:manage', ZConnection, async (input, actor) =>
  changed(await createConnection(actor, input)),
)
export const updateConnectionAction = defineAction('connection:manage', ZUpdateConnection, async (input, actor) =>
  changed(await updateConnection(actor, input)),
)
export const deleteConnectionAction = defineAction(
  'connection:manage',
  ZConnectionId,
  async ({ connectionId }, actor) => changed(await deleteConnection(actor, connectionId)),
)
export const testConnectionAction = defineAction('connection:read', ZConnectionId, async ({ connectionId }, actor) =>
  testConnection(actor, connectionId),
)
export const introspectConnectionAction = defineAction(
  'connection:read',
  ZConnectionId,
  async ({ connectionId }, actor) => introspectConnection(actor, connectionId),
)
