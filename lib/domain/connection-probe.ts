// What Lockstep learns about a database a plan migrates from or to.

export type ProbeResult =
  | {
      ok: true
      engine: 'POSTGRES' | 'SQLITE'
      serverVersion: string
      latencyMs: number
      user: string | null
      privileges: string[]
    }
  | {
      ok: false
      kind: 'dns' | 'refused' | 'timeout' | 'unreachable' | 'auth' | 'ssl' | 'database' | 'file' | 'other'
      message: string
    }

export type IntrospectedTable = {
  schema: string
  name: string
  rowEstimate: number
  columns: { name: string; type: string; nullable: boolean; default: string | null }[]
  primaryKey: string[]
  foreignKeys: { name: string; columns: string[]; definition: string }[]
  indexes: { name: string; unique: boolean; definition: string }[]
}

export type Introspection = { tables: IntrospectedTable[] }
