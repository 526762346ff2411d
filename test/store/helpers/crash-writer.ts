// Child process for the durability test: appends hooks through group commit without end and prints
// "ack <key>" for each append whose promise resolved, until the parent kills it with SIGKILL.
import { createHookPersister } from '../../../src/server/routes/amojo-webhook/create-hook-persister';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';

const url = process.argv[2];
if (!url) throw new Error('usage: crash-writer <database url>');
const opened = openDatabase(url);
await migrateToLatest(opened.db, { schema: opened.schema });
// The backend's own writer: raw prepared statements on SQLite, the query builder on PostgreSQL.
const ingress = createHookPersister(opened);

let n = 0;
const appendOne = async (): Promise<void> => {
  const key = `hook-${n++}`;
  await ingress.persist({
    event: { dedupeKey: key, linkId: null, kind: 'message', payload: `{"n":"${key}"}`, receivedAt: Date.now() },
    job: { idempotencyKey: `job-${key}`, kind: 'bridge.deliver', payload: '{}' },
  });
  process.stdout.write(`ack ${key}\n`);
  return appendOne();
};
// Ten concurrent "requests", as under a load test; this never finishes on its own.
await Promise.all(Array.from({ length: 10 }, appendOne));
