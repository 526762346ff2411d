import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import { type FloorHook, floorHookListener } from './floor-hook-listener';

export interface FloorTarget {
  /** A SQLite file already migrated, holding the link `linkId`. */
  path: string;
  linkId: string;
  secret: string;
}

/**
 * The least any durable hook receiver on this machine must do, as a second baseline beside the bare server: check
 * the HMAC, parse the JSON for the message id, and answer only after one inbox row and one job row are committed
 * with synchronous=FULL, the hooks of one event-loop turn sharing a commit. Raw prepared statements, no framework,
 * no validation, no metrics. What separates it from the bare server is the price of the disk, not of our code.
 */
export async function startDurableFloor(target: FloorTarget) {
  const sqlite = new BetterSqlite3(target.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const insertHook = sqlite.prepare(
    'insert into inbox (dedupe_key, link_id, kind, payload, received_at) values (?, ?, ?, ?, ?) on conflict do nothing',
  );
  const insertJob = sqlite.prepare(
    `insert into outbox (idempotency_key, kind, link_id, ordering_key, payload, status, attempts, available_at,
       created_at, updated_at) values (?, 'bridge.deliver', ?, ?, ?, 'pending', 0, ?, ?, ?) on conflict do nothing`,
  );
  const writeBatch = sqlite.transaction((hooks: Array<{ key: string; chat: string; text: string }>) => {
    const now = Date.now();
    for (const hook of hooks) {
      if (insertHook.run(hook.key, target.linkId, 'message', hook.text, now).changes === 0) continue;
      const job = JSON.stringify({ kind: 'bridge.deliver', linkId: target.linkId, dedupeKey: hook.key });
      insertJob.run(`bridge.deliver:${hook.key}`, target.linkId, `chat:${hook.chat}`, job, now, now, now);
    }
  });

  let queue: FloorHook[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    writeBatch(batch);
    for (const hook of batch) hook.done();
  };
  const server: Server = createServer(
    floorHookListener(target.secret, (hook) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push(hook);
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      sqlite.close();
    },
  };
}
