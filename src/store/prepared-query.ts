import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema';

/**
 * A fixed SQL statement for a hot path, compiled once per dialect and then run with fresh parameters: no query
 * builder, no per-call compile (on the bridge accept the builder cost more CPU than SQLite's own work for the same
 * statements). `build` must use each parameter exactly once and in order, so the compiled placeholders line up
 * with the next call's values; a mismatch throws on first use. Rows come back through the plugins (camelCase).
 */
export function preparedQuery<P extends readonly unknown[], R>(build: (...params: P) => RawBuilder<R>) {
  // Keyed by the dialect adapter: a transaction is a Kysely object of its own, the adapter is shared.
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return async (db: Kysely<Database>, ...params: P): Promise<R[]> => {
    const adapter = db.getExecutor().adapter;
    const known = compiled.get(adapter);
    if (known !== undefined) return (await db.executeQuery<R>({ ...known, parameters: params })).rows;
    const query = build(...params).compile(db);
    if (query.parameters.length !== params.length || query.parameters.some((p, i) => p !== params[i])) {
      throw new Error('preparedQuery: build must use each parameter once, in order');
    }
    compiled.set(adapter, query);
    return (await db.executeQuery<R>(query)).rows;
  };
}
