// `npm run reseal`: after DATA_ENCRYPTION_KEY was rotated (the new key in DATA_ENCRYPTION_KEY, the old one in
// DATA_ENCRYPTION_KEY_PREVIOUS), seals every stored secret under the new key and prints the counts. Uses
// DATABASE_URL like the server and may run while it is up; safe to interrupt and to run again. Once it reports no
// unreadable value, DATA_ENCRYPTION_KEY_PREVIOUS can be removed.

import { migrateToLatest } from '../store/migrations/migrate-to-latest';
import { openDatabase } from '../store/open-database';
import { DEFAULT_DATABASE_URL } from '../store/parse-database-url';
import { createSecretBox } from '../store/secret-box';
import { resealAll } from './reseal-all';

const key = process.env.DATA_ENCRYPTION_KEY?.trim();
const previous = process.env.DATA_ENCRYPTION_KEY_PREVIOUS?.trim() || undefined;
if (!key) {
  console.error(
    'reseal: DATA_ENCRYPTION_KEY (the new key) is required; the old one goes in DATA_ENCRYPTION_KEY_PREVIOUS',
  );
  process.exit(2);
}

let boxes: { current: ReturnType<typeof createSecretBox>; either: ReturnType<typeof createSecretBox> };
try {
  boxes = { current: createSecretBox(key), either: createSecretBox(key, previous) };
} catch {
  // The error says only that a key is malformed; it never carries the key.
  console.error(
    'reseal: DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_KEY_PREVIOUS must each be 32 bytes in standard base64',
  );
  process.exit(2);
}

// An empty DATABASE_URL (a secret mount that failed) must not quietly reseal the default file and report success:
// the operator would then drop the previous key with production's values still sealed under it.
if (process.env.DATABASE_URL === '') {
  console.error('reseal: DATABASE_URL is empty; set it to the database the server uses (or unset it for the default)');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const opened = openDatabase(databaseUrl);
try {
  await migrateToLatest(opened.db, { schema: opened.schema });
  const counts = await resealAll(opened.db, boxes);
  console.info(
    `checked ${counts.checked}, resealed ${counts.resealed}, already current ${counts.current}, ` +
      `changed meanwhile ${counts.raced}, unreadable ${counts.unreadable}`,
  );
  // The signal that the previous key may go is a rerun that reseals nothing, on the right database, once no server
  // runs with the old key; media links signed under it still need it for their 7 days.
  if (counts.checked === 0) console.warn(`reseal: no sealed values found in this ${opened.dialect} database`);
  if (counts.unreadable > 0) {
    console.error('reseal: some values open under neither key; keep DATA_ENCRYPTION_KEY_PREVIOUS until they are fixed');
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`reseal failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
