import type { Kysely } from 'kysely';
import { installationTokenContext } from './installations-repo';
import { linkSecretContext } from './link-secret-context';
import type { Database } from './schema';

/**
 * One value sealed with DATA_ENCRYPTION_KEY, with what it was sealed for. Every sealed column is listed here, so
 * `npm run reseal` cannot miss one: `links.signing_secret_enc` (signing secret and key hint), and the installations'
 * `access_token_enc` and `refresh_token_enc`. (OAuth codes waiting in the outbox are sealed too, for the 20 minutes
 * a code lives: keep the previous key that long after a rotation.)
 */
export interface SealedValue {
  /**
   * `L/<link id>`, then `N/<account id, 16 digits>/<access|refresh>` for the installations: pages are read in this
   * order (the prefixes sort links first), so a page may end anywhere and the next one resumes after it.
   */
  id: string;
  sealed: string;
  context: string;
}

const LINK = 'L/';
const INSTALLATION = 'N/';
const accountKey = (accountId: number) => String(accountId).padStart(16, '0');

/** A page of sealed values after `afterId` (in id order), for resealing in bounded batches. */
export async function findSealedValues(
  db: Kysely<Database>,
  page: { afterId: string; limit: number },
): Promise<SealedValue[]> {
  const values: SealedValue[] = [];
  if (page.afterId < INSTALLATION) {
    const after = page.afterId.startsWith(LINK) ? page.afterId.slice(LINK.length) : '';
    const rows = await db
      .selectFrom('links')
      .select(['id', 'accountId', 'signingSecretEnc'])
      .where('signingSecretEnc', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(page.limit)
      .execute();
    for (const row of rows) {
      values.push({
        id: `${LINK}${row.id}`,
        sealed: row.signingSecretEnc ?? '',
        context: linkSecretContext(row.accountId),
      });
    }
  }
  if (values.length >= page.limit) return values;
  // Both tokens of an installation share its row; a page may end between them, so the row of `afterId` is read again.
  const after = page.afterId.startsWith(INSTALLATION) ? page.afterId : INSTALLATION;
  const afterAccount = after === INSTALLATION ? -1 : Number(after.split('/')[1]);
  const rows = await db
    .selectFrom('installations')
    .select(['accountId', 'accessTokenEnc', 'refreshTokenEnc'])
    .where('accountId', '>=', afterAccount)
    // A removed installation holds no tokens; counted against the limit, a page of them would end the walk early.
    .where((eb) => eb.or([eb('accessTokenEnc', 'is not', null), eb('refreshTokenEnc', 'is not', null)]))
    .orderBy('accountId')
    .limit(page.limit)
    .execute();
  for (const row of rows) {
    const context = installationTokenContext(row.accountId);
    for (const [kind, sealed] of [
      ['access', row.accessTokenEnc],
      ['refresh', row.refreshTokenEnc],
    ] as const) {
      const id = `${INSTALLATION}${accountKey(row.accountId)}/${kind}`;
      if (sealed !== null && id > after) values.push({ id, sealed, context });
    }
  }
  return values.slice(0, page.limit);
}

/**
 * Replaces a sealed value with the same secret sealed anew, only if the row still holds `from`: a rotate or unlink
 * that wrote meanwhile wins. `updated_at` stays, because the secret itself did not change.
 */
export async function replaceSealedValue(
  db: Kysely<Database>,
  change: { id: string; from: string; to: string },
): Promise<boolean> {
  if (change.id.startsWith(LINK)) {
    const result = await db
      .updateTable('links')
      .set({ signingSecretEnc: change.to })
      .where('id', '=', change.id.slice(LINK.length))
      .where('signingSecretEnc', '=', change.from)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
  const [, account, kind] = change.id.split('/');
  const column = kind === 'access' ? 'accessTokenEnc' : 'refreshTokenEnc';
  // A refresh that stored a new pair meanwhile wins: its values were sealed under the current key already.
  const result = await db
    .updateTable('installations')
    .set({ [column]: change.to })
    .where('accountId', '=', Number(account))
    .where(column, '=', change.from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
