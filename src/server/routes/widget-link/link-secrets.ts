import { linkSecretContext } from '../../../store/link-secret-context';
import type { SecretBox } from '../../../store/secret-box';

/** What `links.signing_secret_enc` holds once opened. */
export interface LinkSecrets {
  /** Signs deliveries to the messenger (signBridgeDelivery). */
  signingSecret: string;
  /** The first characters of the active API key, for the panel; the key itself is only stored hashed. */
  apiKeyHint: string;
}

// The schema has no column for the key hint, so it travels sealed beside the signing secret. Sealing binds the
// value to its account (the AAD), so a sealed value copied onto another link fails to open there.
export function sealLinkSecrets(box: SecretBox, accountId: number, secrets: LinkSecrets): string {
  return box.seal(JSON.stringify({ s: secrets.signingSecret, h: secrets.apiKeyHint }), linkSecretContext(accountId));
}

/** Opens a link's sealed secrets; throws SecretBoxError when the value was altered or sealed for another account. */
export function openLinkSecrets(box: SecretBox, link: { accountId: number; signingSecretEnc: string }): LinkSecrets {
  const opened = JSON.parse(box.open(link.signingSecretEnc, linkSecretContext(link.accountId))) as {
    s: string;
    h: string;
  };
  return { signingSecret: opened.s, apiKeyHint: opened.h };
}
