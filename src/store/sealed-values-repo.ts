import type { Kysely } from 'kysely';
import { linkSecretContext } from './link-secret-context';
import type { Database } from './schema';

/**
 * One value sealed with DATA_ENCRYPTION_KEY, with what it was sealed for. Every sealed column is listed here, so
 * `npm run reseal` cannot miss one: today only `links.signing_secret_enc` (signing secret and key hint).
 */
export interface SealedValue {
  /** The owning link's id; pages are read in this order. */
  id: string;
  sealed: string;
  context: string;
}

/** A page of sealed values after `afterId` (in id order), for resealing in bounded batches. */
export async function findSealedValues(
  db: Kysely<Database>,
  page: { afterId: string; limit: number },
): Promise<SealedValue[]> {
  const rows = await db
    .selectFrom('links')
    .select(['id', 'accountId', 'signingSecretEnc'])
    .where('signingSecretEnc', 'is not', null)
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    sealed: row.signingSecretEnc ?? '',
    context: linkSecretContext(row.accountId),
  }));
}

/**
 * Replaces a sealed value with the same secret sealed anew, only if the row still holds `from`: a rotate or unlink
 * that wrote meanwhile wins. `updated_at` stays, because the secret itself did not change.
 */
export async function replaceSealedValue(
  db: Kysely<Database>,
  change: { id: string; from: string; to: string },
): Promise<boolean> {
  const result = await db
    .updateTable('links')
    .set({ signingSecretEnc: change.to })
    .where('id', '=', change.id)
    .where('signingSecretEnc', '=', change.from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
