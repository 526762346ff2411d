import { describe, expect, it } from 'vitest';
import { openTokens, sealTokens } from '../../src/installation/installation-tokens';
import type { Installation } from '../../src/store/installations-repo';
import { SecretBoxError } from '../../src/store/secret-box';
import { testSecretBox } from './helpers/seed-installation';

const pair = { accessToken: 'eyJ.access', refreshToken: 'def502.refresh', accessExpiresAt: 1_800_000_000_000 };

const installation = (accountId: number, tokens: Partial<Installation>): Installation => ({
  accountId,
  subdomain: 'shop',
  domain: 'amocrm.ru',
  region: 'ru',
  amojoId: 'a',
  installedBy: 1,
  installedAt: 0,
  state: 'active',
  accessTokenEnc: null,
  refreshTokenEnc: null,
  accessExpiresAt: null,
  tokenVersion: 1,
  amojoCheckedAt: 0,
  removedAt: null,
  updatedAt: 0,
  ...tokens,
});

describe('installation tokens', () => {
  const box = testSecretBox();

  it('seals both tokens (nothing readable stored) and opens them again', () => {
    const sealed = sealTokens(box, 42, pair);
    expect(sealed.accessExpiresAt).toBe(pair.accessExpiresAt);
    const stored = `${sealed.accessTokenEnc} ${sealed.refreshTokenEnc}`;
    expect(stored).not.toContain(pair.accessToken);
    expect(stored).not.toContain(pair.refreshToken);
    expect(openTokens(box, installation(42, sealed))).toEqual({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
    });
  });

  it('refuses tokens copied onto another account’s row (the account id is the context)', () => {
    const sealed = sealTokens(box, 42, pair);
    expect(() => openTokens(box, installation(43, sealed))).toThrow(SecretBoxError);
  });

  it('has no tokens to open once they were purged', () => {
    expect(openTokens(box, installation(42, { state: 'removed' }))).toBeUndefined();
  });
});
