import type { Kysely } from 'kysely';
import type { TokenPair } from '../../../src/amocrm/amocrm-client';
import { sealTokens } from '../../../src/installation/installation-tokens';
import { type Installation, recordInstallation } from '../../../src/store/installations-repo';
import type { Database } from '../../../src/store/schema';
import { createSecretBox } from '../../../src/store/secret-box';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
export const testSecretBox = () => createSecretBox(TEST_ENCRYPTION_KEY);

/** An active installation of `accountId` holding `pair`, sealed as the token source expects. */
export function seedInstallation(
  db: Kysely<Database>,
  accountId: number,
  pair: TokenPair,
  now: number,
): Promise<Installation> {
  return recordInstallation(
    db,
    {
      accountId,
      subdomain: `shop${accountId}`,
      domain: 'amocrm.ru',
      region: 'ru',
      amojoId: '00000000-0000-4000-8000-000000000001',
      installedBy: 501,
      tokens: sealTokens(testSecretBox(), accountId, pair),
    },
    now,
  );
}
