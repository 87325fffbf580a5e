/** A count and its noun, e.g. "1 row", "1,250 rows" ("many" for irregular plurals). */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`
