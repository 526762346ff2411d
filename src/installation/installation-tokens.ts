import type { TokenPair } from '../amocrm/amocrm-client';
import { type Installation, installationTokenContext, type SealedTokens } from '../store/installations-repo';
import type { SecretBox } from '../store/secret-box';

/**
 * Seals a token pair for the installation row of `accountId`. The account id is the seal's context, so a token
 * copied onto another account's row does not open there (see link-secret-context.ts for the same rule on links).
 */
export function sealTokens(box: SecretBox, accountId: number, pair: TokenPair): SealedTokens {
  const context = installationTokenContext(accountId);
  return {
    accessTokenEnc: box.seal(pair.accessToken, context),
    refreshTokenEnc: box.seal(pair.refreshToken, context),
    accessExpiresAt: pair.accessExpiresAt,
  };
}

/**
 * The installation's tokens in the clear, or undefined when it holds none (removed). A value that does not open
 * (another key, another row's value, altered) throws SecretBoxError: that is a fault to see, not a missing token.
 */
export function openTokens(
  box: SecretBox,
  installation: Installation,
): { accessToken: string; refreshToken: string } | undefined {
  const { accessTokenEnc, refreshTokenEnc, accountId } = installation;
  if (accessTokenEnc === null || refreshTokenEnc === null) return undefined;
  const context = installationTokenContext(accountId);
  return { accessToken: box.open(accessTokenEnc, context), refreshToken: box.open(refreshTokenEnc, context) };
}
