import type { Kysely } from 'kysely';
import type { LinkInput } from '../../../src/store/links-repo';
import type { Database } from '../../../src/store/schema';
import { linkInput } from './seed-link';

const T0 = 1_700_000_000_000;

/**
 * A linked account written with only the columns `links` had up to migration 0009, for a database migrated that far:
 * today's upsertLink also writes the columns later migrations add, which such a database lacks.
 */
export async function seedLegacyLink(
  db: Kysely<Database>,
  overrides: Partial<LinkInput> & { id?: string; createdAt?: number } = {},
): Promise<{ id: string; accountId: number; input: LinkInput }> {
  const { id = crypto.randomUUID(), createdAt = T0, ...rest } = overrides;
  const input = linkInput(rest);
  await db
    .insertInto('accounts')
    .values({
      accountId: input.accountId,
      subdomain: input.subdomain,
      region: input.region,
      amojoId: input.amojoId,
      createdAt,
      updatedAt: createdAt,
    })
    .execute();
  await db
    .insertInto('links')
    .values({
      id,
      accountId: input.accountId,
      scopeId: input.scopeId,
      title: input.title,
      timeWindowDisabled: input.timeWindowDisabled ? 1 : 0,
      webhookUrl: input.webhookUrl,
      bridgeKeyHash: input.bridgeKeyHash,
      signingSecretEnc: input.signingSecretEnc,
      linkedAt: createdAt,
      unlinkedAt: null,
      createdAt,
      updatedAt: createdAt,
    })
    .execute();
  return { id, accountId: input.accountId, input };
}
