// Child process for the cross-process migration test: migrates the database named on the command line and prints
// the migrations it applied as JSON.
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';

const url = process.argv[2];
if (!url) throw new Error('usage: migrate-child <database url>');
const opened = openDatabase(url);
try {
  const applied = await migrateToLatest(opened.db, { schema: opened.schema });
  process.stdout.write(JSON.stringify(applied));
} finally {
  await opened.close();
}
