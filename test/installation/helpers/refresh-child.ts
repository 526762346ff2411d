// Child process for the refresh race: opens the database, waits at the token server's barrier, then asks its own
// token source for the account's token (due, so it refreshes or waits for the other process's refresh) and prints
// it as JSON. Usage: refresh-child <database url> <token server url> <account id> <owner id>
import { createTokenSource } from '../../../src/installation/create-token-source';
import { openDatabase } from '../../../src/store/open-database';
import { httpOAuthGrant } from './http-oauth-grant';
import { testSecretBox } from './seed-installation';

const [url, serverUrl, accountText, ownerId] = process.argv.slice(2);
if (!url || !serverUrl || !accountText || !ownerId)
  throw new Error('usage: refresh-child <db> <server> <account> <owner>');
const opened = openDatabase(url);
try {
  const source = createTokenSource({
    db: opened.db,
    secretBox: testSecretBox(),
    grant: httpOAuthGrant(),
    baseUrlOf: () => serverUrl,
    now: Date.now,
    ownerId,
  });
  // A first query, so the pool is connected before the race starts.
  await opened.db.selectFrom('installations').select('accountId').execute();
  await (await fetch(`${serverUrl}/ready`)).text();
  const access = await source.access(Number(accountText));
  process.stdout.write(JSON.stringify({ accessToken: access.accessToken }));
} finally {
  await opened.close();
}
