import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'
import type * as BindingsModule from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { Pool } from 'pg'

// The official WebAssembly build of Prisma's schema engine, driven through the pg adapter, so
// migrations need no native binary (and no internet). The package is built for bundlers, so plain
// Node loads its .wasm by hand instead of relying on --experimental-wasm-modules.
type Bindings = typeof BindingsModule

let bindingsPromise: Promise<Bindings> | undefined

function loadBindings(): Promise<Bindings> {
  bindingsPromise ??= (async () => {
    const bindings: Bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg')
    const require = createRequire(import.meta.url)
    const pkgDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))
    const bytes = await readFile(join(pkgDir, 'schema_engine_bg.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings })
    bindings.__wbg_set_wasm(instance.exports)
    ;(instance.exports as { __wbindgen_start: () => void }).__wbindgen_start()
    return bindings
  })()
  return bindingsPromise
}

/**
 * The pg adapter runs a script by splitting it on every `;`, which breaks function bodies and
 * string literals. PostgreSQL accepts a multi-statement script in one simple-protocol query and runs
 * it as one implicit transaction, which is what a migration wants: all of it or none of it.
 */
class WholeScriptPg extends PrismaPg {
  // The engine never closes what it opens; we do, so its pool (and advisory lock) end with it.
  readonly opened: { dispose: () => Promise<void> }[] = []

  override async connect() {
    const adapter = await super.connect()
    this.opened.push(adapter)
    const pool = adapter.underlyingDriver() as Pool
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script)
      } catch (error) {
        ;(adapter as unknown as { onError: (e: unknown) => never }).onError(error)
      }
    }
    return adapter
  }
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] }

/** Opens an engine bound to `databaseUrl`, runs `fn`, and always frees it. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  schemaPath: string,
  schemaText: string,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadBindings()
  const factory = new WholeScriptPg({ connectionString: databaseUrl })
  const adapter = bindMigrationAwareSqlAdapterFactory(factory)
  const logs: string[] = []
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    (line: string) => logs.push(line),
    adapter,
  )
  try {
    return await fn(engine)
  } finally {
    engine.free()
    await Promise.all(factory.opened.map((opened) => opened.dispose().catch(() => undefined)))
  }
}
