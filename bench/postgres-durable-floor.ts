import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { parseDatabaseUrl } from '../src/store/parse-database-url';
import { type FloorHook, floorHookListener } from './floor-hook-listener';

export interface PostgresFloorTarget {
  /** A DATABASE_URL (with `?schema=`) of a PostgreSQL store already migrated, holding the link `linkId`. */
  url: string;
  linkId: string;
  secret: string;
}

// One statement, so one round trip and one commit (synchronous_commit as the server has it, `on` by default) for the
// whole batch: the inbox rows, and a job for each row that was new.
const WRITE_BATCH = `
with hooks as (
  insert into inbox (dedupe_key, link_id, kind, payload, received_at)
  select key, $1::text, 'message', text, $2::bigint from unnest($3::text[], $4::text[]) as h(key, text)
  on conflict do nothing
  returning dedupe_key
)
insert into outbox (idempotency_key, kind, link_id, ordering_key, payload, status, attempts, available_at, created_at,
  updated_at)
select 'bridge.deliver:' || j.key, 'bridge.deliver', $1::text, j.ordering_key, j.payload, 'pending', 0, $2::bigint,
  $2::bigint, $2::bigint
from hooks join unnest($3::text[], $5::text[], $6::text[]) as j(key, ordering_key, payload) on j.key = hooks.dedupe_key
on conflict do nothing`;

/**
 * durable-floor.ts on PostgreSQL: the least a durable hook receiver must do with PostgreSQL as its store. It checks
 * the HMAC, parses the JSON for the message id, and answers only after the inbox row and its job are committed. One
 * connection, one prepared statement per batch, and group commit: hooks that arrive while a commit is in flight
 * share the next one. No framework, no validation, no metrics. What separates it from the bare server is the price of
 * PostgreSQL's commit and round trip, not of our code.
 */
export async function startPostgresDurableFloor(target: PostgresFloorTarget) {
  const parsed = parseDatabaseUrl(target.url);
  if (parsed.kind !== 'postgres') throw new Error('not a PostgreSQL URL');
  const client = new Client({ connectionString: parsed.connectionString });
  await client.connect();

  let queue: FloorHook[] = [];
  let writing = false;
  const flush = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const jobs = batch.map((h) =>
        JSON.stringify({ kind: 'bridge.deliver', linkId: target.linkId, dedupeKey: h.key }),
      );
      try {
        await client.query({
          name: 'floor_write_batch',
          text: WRITE_BATCH,
          values: [
            target.linkId,
            Date.now(),
            batch.map((h) => h.key),
            batch.map((h) => h.text),
            batch.map((h) => `chat:${h.chat}`),
            jobs,
          ],
        });
        for (const hook of batch) hook.done();
      } catch {
        for (const hook of batch) hook.fail();
      }
    }
    writing = false;
  };
  const server: Server = createServer(
    floorHookListener(target.secret, (hook) => {
      queue.push(hook);
      if (!writing) setImmediate(() => void (writing ? undefined : flush()));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await client.end();
    },
  };
}
