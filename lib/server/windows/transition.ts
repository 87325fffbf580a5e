import type { Prisma, Tx } from '@/lib/db'
import type { WindowStatus } from '@/lib/generated/prisma/enums'
import { WINDOW_TRANSITIONS } from '@/lib/domain/states/window'
import { move } from '@/lib/server/transition'

// The owner of the maintenance window's state machine (lib/domain/states/window.ts): the decisions, the
// cancel, the sweep and the reopening after an edit all move a window through here. No two approved windows
// of an environment overlap: approveWindow checks it under the environment's lock (./commands.ts).

/** Moves a window from one of `from` to `to` with `data`; its row as written, or a StateConflict. */
export const transitionWindow = (
  tx: Pick<Tx, 'maintenanceWindow'>,
  id: string,
  from: WindowStatus | readonly WindowStatus[],
  to: WindowStatus,
  data: Omit<Prisma.MaintenanceWindowUncheckedUpdateManyInput, 'status'> = {},
) =>
  move({
    machine: 'Window',
    table: WINDOW_TRANSITIONS,
    id,
    from,
    to,
    write: (states) =>
      tx.maintenanceWindow.updateManyAndReturn({
        where: { id, status: { in: states } },
        data: { ...data, status: to },
      }),
    current: async () =>
      (await tx.maintenanceWindow.findUnique({ where: { id }, select: { status: true } }))?.status ?? null,
  })
