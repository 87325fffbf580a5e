import { Prisma } from '@/lib/db'

// Rules of the form "one active X per Y" are partial unique indexes (written by hand in their migrations,
// since Prisma's schema cannot express them). A command checks the rule first to name what is in the way;
// the index is what holds when two transactions check at the same moment: the second one's write waits
// for the first to commit and is then refused with a unique violation, which the command turns into the
// same refusal as its check.

type AdapterMeta = { driverAdapterError?: { cause?: { constraint?: { index?: string } } } }

/** Whether PostgreSQL refused a write because of the unique index `index` (Prisma's P2002 through the pg adapter). */
export function violatesIndex(error: unknown, index: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false
  return (error.meta as AdapterMeta | undefined)?.driverAdapterError?.cause?.constraint?.index === index
}

/** Runs `write`; when it violated `index`, throws what `refusal` builds (read after the write's transaction ended). */
export async function refuseOnViolation<T>(
  index: string,
  write: () => Promise<T>,
  refusal: () => Promise<Error>,
): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (violatesIndex(error, index)) throw await refusal()
    throw error
  }
}
