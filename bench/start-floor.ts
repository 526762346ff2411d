import { startDurableFloor } from './durable-floor';
import { openBenchStore } from './open-bench-store';
import { startPostgresDurableFloor } from './postgres-durable-floor';

/**
 * The durable floor over a fresh store of its own holding the bench's link: durable-floor.ts on a SQLite file, or
 * postgres-durable-floor.ts on a new PostgreSQL schema when `postgresUrl` is given. close() stops it and deletes the
 * store.
 */
export async function startFloor(options: { postgresUrl?: string; amojoId: string; scopeId: string; secret: string }) {
  const store = await openBenchStore(options);
  const floor = store.sqlitePath
    ? await startDurableFloor({ path: store.sqlitePath, linkId: store.linkId, secret: options.secret })
    : await startPostgresDurableFloor({ url: store.url, linkId: store.linkId, secret: options.secret });
  return {
    url: floor.url,
    close: async () => {
      await floor.close();
      await store.close();
    },
  };
}
