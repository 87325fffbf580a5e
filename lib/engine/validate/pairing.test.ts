import { describe, expect, it } from 'vitest'
import { pairByName } from './pairing'

const named = (...names: string[]) => names.map((name) => ({ name }))
const pairNames = (p: ReturnType<typeof pairByName<{ name: string }>>) =>
  p.pairs.map(({ source, target }) => `${source.name}=${target.name}`)

describe('pairing source and target names', () => {
  it('pairs equal names first, then names equal ignoring case, and says which', () => {
    const p = pairByName(named('Id', 'CustomerName', 'email'), named('id', 'customername', 'email', 'extra'))
    expect(pairNames(p)).toEqual(['email=email', 'Id=id', 'CustomerName=customername'])
    expect(p.folded).toEqual(['Id ↔ id', 'CustomerName ↔ customername'])
    expect(p.targetOnly.map((t) => t.name)).toEqual(['extra'])
    expect(p.sourceOnly).toEqual([])
  })

  it('leaves a name unpaired when ignoring case would be a guess', () => {
    const p = pairByName(named('Name', 'NAME'), named('name'))
    expect(p.pairs).toEqual([])
    expect(p.sourceOnly.map((s) => s.name)).toEqual(['Name', 'NAME'])
    const q = pairByName(named('Name'), named('name', 'NAME'))
    expect(q.pairs).toEqual([])
  })
})
