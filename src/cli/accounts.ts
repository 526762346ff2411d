// `npm run accounts -- …`: lists the accounts the store knows, and releases an amojo id a stale link holds (see
// ACCOUNTS_USAGE). Uses DATABASE_URL like the server and may run while it is up: workers see an unlink within their
// link cache's few seconds.

import { listAccountRows } from '../store/list-account-rows';
import { migrateToLatest } from '../store/migrations/migrate-to-latest';
import { openDatabase } from '../store/open-database';
import { DEFAULT_DATABASE_URL } from '../store/parse-database-url';
import { releaseAmojoBinding } from '../store/release-amojo-binding';
import { describeAmojoRelease } from './describe-amojo-release';
import { formatAccountTable } from './format-account-table';
import { ACCOUNTS_USAGE, parseAccountsArgs } from './parse-accounts-args';

const args = parseAccountsArgs(process.argv.slice(2));
if (!args.ok) {
  console.error(`${args.error}\n${ACCOUNTS_USAGE}`);
  process.exit(2);
}

// An empty DATABASE_URL (a secret mount that failed) must not list or release on the default file instead.
if (process.env.DATABASE_URL === '') {
  console.error(
    'accounts: DATABASE_URL is empty; set it to the database the server uses (or unset it for the default)',
  );
  process.exit(2);
}

const opened = openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
try {
  await migrateToLatest(opened.db, { schema: opened.schema });
  const command = args.command;
  if (command.kind === 'list') {
    const rows = await listAccountRows(opened.db);
    if (command.json) {
      for (const row of rows) {
        const linkedAt = row.linkedAt === null ? null : new Date(row.linkedAt).toISOString();
        console.info(JSON.stringify({ ...row, linkedAt }));
      }
    } else {
      console.info(rows.length === 0 ? 'no accounts' : formatAccountTable(rows));
    }
  } else {
    const release = await releaseAmojoBinding(opened.db, command.amojoId, Date.now(), { dryRun: command.dryRun });
    if (release.ok) {
      console.info(describeAmojoRelease(release));
    } else {
      console.error(describeAmojoRelease(release));
      process.exitCode = 1;
    }
  }
} catch (error) {
  console.error(`accounts failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
