import { redirect } from 'next/navigation'
import { requirePageActor } from '@/lib/auth/current-user'

/** Stakeholders land on the portfolio of status reports; everyone else on the plans they work on. */
export default async function Home() {
  const actor = await requirePageActor()
  redirect(actor.role === 'STAKEHOLDER' ? '/reports' : '/plans')
}
