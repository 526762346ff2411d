// `npm run replay -- …`: requeues dead-lettered relay jobs (see REPLAY_USAGE). Uses DATABASE_URL like the server,
// and may run while workers are up: they pick the requeued jobs up on their next poll.

import { migrateToLatest } from '../store/migrations/migrate-to-latest';
import { openDatabase } from '../store/open-database';
import { requeueDeadLetters } from '../store/outbox-repo';
import { DEFAULT_DATABASE_URL } from '../store/parse-database-url';
import { parseReplayArgs, REPLAY_USAGE } from './parse-replay-args';

const args = parseReplayArgs(process.argv.slice(2));
if (!args.ok) {
  console.error(`${args.error}\n${REPLAY_USAGE}`);
  process.exit(2);
}

const opened = openDatabase(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
try {
  await migrateToLatest(opened.db, { schema: opened.schema });
  const count = await requeueDeadLetters(opened.db, args.filter, Date.now());
  console.info(`requeued ${count} dead letter${count === 1 ? '' : 's'}`);
} catch (error) {
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
