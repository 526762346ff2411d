import type { Kysely } from 'kysely';
import { hashApiKey } from '../../../src/store/api-key-hash';
import { type Link, type LinkInput, upsertLink } from '../../../src/store/links-repo';
import type { Database } from '../../../src/store/schema';

let counter = 0;

/** A linked account with distinct ids on every call. */
export function linkInput(overrides: Partial<LinkInput> = {}): LinkInput {
  counter += 1;
  const amojoId = overrides.amojoId ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    accountId: 30_000_000 + counter,
    subdomain: `shop${counter}`,
    region: 'ru',
    amojoId,
    scopeId: `11111111-2222-4333-8444-555555555555_${amojoId}`,
    title: `Shop ${counter}`,
    timeWindowDisabled: false,
    webhookUrl: `https://messenger.example/hooks/${counter}`,
    bridgeKeyHash: hashApiKey(`key-${counter}-${Math.random()}`),
    signingSecretEnc: `v1.sealed-${counter}`,
    ...overrides,
  };
}

export async function seedLink(db: Kysely<Database>, overrides: Partial<LinkInput> = {}): Promise<Link> {
  const result = await upsertLink(db, linkInput(overrides), 1_700_000_000_000);
  if (!result.ok) throw new Error(`seed link refused: ${result.reason}`);
  return result.link;
}
