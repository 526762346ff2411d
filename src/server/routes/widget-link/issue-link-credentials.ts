import type { LinkCredentials } from '../../../contracts/link';
import { hashApiKey } from '../../../store/api-key-hash';
import type { SecretBox } from '../../../store/secret-box';
import { sealLinkSecrets } from './link-secrets';

export interface IssuedLinkCredentials {
  /** Shown once, in the PUT or rotate answer; never stored in plain text. */
  credentials: LinkCredentials;
  bridgeKeyHash: string;
  signingSecretEnc: string;
}

export const API_KEY_PREFIX = 'ck_';
export const SIGNING_SECRET_PREFIX = 'cs_';
// 7 random characters (42 bits) of a 256-bit key: enough to tell keys apart, far too little to guess the rest.
const HINT_LENGTH = API_KEY_PREFIX.length + 7;

/** A fresh bridge API key and signing secret (256 random bits each), in the forms the store keeps. */
export function issueLinkCredentials(
  randomBytes: (size: number) => Uint8Array,
  box: SecretBox,
  accountId: number,
): IssuedLinkCredentials {
  const apiKey = API_KEY_PREFIX + Buffer.from(randomBytes(32)).toString('base64url');
  const signingSecret = SIGNING_SECRET_PREFIX + Buffer.from(randomBytes(32)).toString('base64url');
  return {
    credentials: { api_key: apiKey, signing_secret: signingSecret },
    bridgeKeyHash: hashApiKey(apiKey),
    signingSecretEnc: sealLinkSecrets(box, accountId, { signingSecret, apiKeyHint: apiKey.slice(0, HINT_LENGTH) }),
  };
}
