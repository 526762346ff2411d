// A relay worker in a process of its own, for the crash test: `worker-child.ts <database url> <amojo url> <lease ms>`.
// Prints "ready" once claiming; SIGTERM stops it gracefully, SIGKILL is the crash under test.
import { createRelayWorker } from '../../../src/relay/create-relay-worker';
import { openDatabase } from '../../../src/store/open-database';
import { CHANNEL_ID, CHANNEL_SECRET, MESSENGER_SECRET } from './relay-fixtures';

const [databaseUrl, amojoUrl, leaseMs] = process.argv.slice(2);
if (!databaseUrl || !amojoUrl || !leaseMs) throw new Error('usage: worker-child <database url> <amojo url> <lease ms>');

const opened = openDatabase(databaseUrl);
const worker = createRelayWorker({
  db: opened.db,
  channel: { id: CHANNEL_ID, secret: CHANNEL_SECRET },
  amojoBaseUrl: amojoUrl,
  signingSecretOf: () => MESSENGER_SECRET,
  leaseMs: Number(leaseMs),
  idleMs: 20,
  concurrency: 16,
  retry: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 200 },
});
worker.start();
process.stdout.write(`ready ${worker.workerId}\n`);
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => opened.close())
    .then(() => process.exit(0));
});
