import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  findInstallation,
  type Installation,
  type InstallationState,
  installationTokenContext,
  markNeedsReauthorization,
  markRemoved,
  recordInstallation,
} from '../../src/store/installations-repo';
import type { Database } from '../../src/store/schema';
import { createSecretBox, type SecretBox } from '../../src/store/secret-box';

export interface SeedInstallationInput {
  accountId: number;
  subdomain: string;
  amojoId: string;
  domain?: 'amocrm.ru' | 'amocrm.com' | 'kommo.com';
  /** The user who granted access; null when unknown. */
  installedBy?: number | null;
  /** `active` by default; the other states are reached the way production reaches them. */
  state?: InstallationState;
  /** Seals the dummy tokens; a throwaway key by default (no test here opens them). */
  secretBox?: SecretBox;
}

const REGIONS = { 'amocrm.ru': 'ru', 'amocrm.com': 'com', 'kommo.com': 'kommo' } as const;

/**
 * Writes an installation straight into the store, as an install would have left it at `now` (its amojo id proven
 * then), with sealed dummy tokens that expire a day later.
 */
export async function seedInstallation(
  db: Kysely<Database>,
  input: SeedInstallationInput,
  now: number,
): Promise<Installation> {
  const box = input.secretBox ?? createSecretBox(randomBytes(32).toString('base64'));
  const context = installationTokenContext(input.accountId);
  const domain = input.domain ?? 'amocrm.ru';
  const installed = await recordInstallation(
    db,
    {
      accountId: input.accountId,
      subdomain: input.subdomain,
      domain,
      region: REGIONS[domain],
      amojoId: input.amojoId,
      installedBy: input.installedBy === undefined ? null : input.installedBy,
      tokens: {
        accessTokenEnc: box.seal(`dummy-access-${input.accountId}`, context),
        refreshTokenEnc: box.seal(`dummy-refresh-${input.accountId}`, context),
        accessExpiresAt: now + 86_400_000,
      },
    },
    now,
  );
  if (input.state === 'removed') await markRemoved(db, input.accountId, now);
  if (input.state === 'needs_reauthorization') {
    await markNeedsReauthorization(db, input.accountId, installed.tokenVersion, now);
  }
  return (await findInstallation(db, input.accountId)) ?? installed;
}
