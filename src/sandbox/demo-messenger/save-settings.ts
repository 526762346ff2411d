import { type ActionResult, actionError } from './action-result';
import type { CandidateCredentials, CredentialCheck, CredentialProblem } from './check-credentials';
import type { LinkSummary } from './demo-messenger-types';
import { extractCredentials } from './extract-credentials';
import type { SettingsFields, SettingsPatch, SettingsStore } from './open-settings-store';

export interface SaveSettingsDeps {
  store: SettingsStore;
  check: (candidate: CandidateCredentials) => Promise<CredentialCheck>;
  /** Remembers which link the saved key belongs to; undefined when there is no key (or no bridge URL) to check. */
  setLink: (link: LinkSummary | undefined) => void;
}

export type SaveSettingsResult = { ok: true } | { ok: false; result: ActionResult };

// The credentials themselves are wrong (422); the bridge could not be asked (502).
const statusOf: Record<CredentialProblem, number> = {
  api_key_invalid: 422,
  not_linked: 422,
  signing_secret_mismatch: 422,
  signature_unverifiable: 422,
  bridge_unreachable: 502,
  bridge_error: 502,
};

const refused = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  ({ ok: false, result: actionError(status, code, message, extra) }) as const;

/**
 * `PUT /api/settings`: takes the fields (a pasted `credentials` text is split into the key and the secret), checks
 * what the settings would become with the bridge (`GET /bridge/v1/me`: the key, and the secret by the answer's
 * signature), and saves only when that passes. A refused save changes nothing, so a wrong key or a stale secret is
 * never shown as "connected".
 */
export async function saveSettings(deps: SaveSettingsDeps, patch: SettingsPatch): Promise<SaveSettingsResult> {
  const { credentials, ...fields } = patch;
  const named: SettingsFields = { ...fields };
  if (credentials !== undefined) {
    const found = extractCredentials(credentials);
    if (found.ambiguous.length > 0) {
      const which = found.ambiguous.map((f) => (f === 'apiKey' ? 'API keys' : 'signing secrets')).join(' and ');
      return refused(400, 'credentials_ambiguous', `The pasted text holds two different ${which}; paste one of each.`);
    }
    if (found.apiKey === undefined && found.signingSecret === undefined) {
      return refused(
        400,
        'credentials_not_found',
        'No API key (ck_…) or signing secret (cs_…) in the pasted text; copy them from the widget panel.',
      );
    }
    named.apiKey ??= found.apiKey;
    named.signingSecret ??= found.signingSecret;
  }
  const candidate = deps.store.preview(named);
  let link: LinkSummary | undefined;
  if (candidate.bridgeUrl !== undefined && candidate.apiKey !== undefined) {
    const checked = await deps.check({
      bridgeUrl: candidate.bridgeUrl,
      apiKey: candidate.apiKey,
      signingSecret: candidate.signingSecret,
    });
    if (!checked.ok) {
      return refused(statusOf[checked.code], checked.code, checked.message, { bridge_status: checked.bridgeStatus });
    }
    const { title, account } = checked.me;
    link = { title, subdomain: account.subdomain, accountId: account.id };
  }
  deps.store.update(named);
  deps.setLink(link);
  return { ok: true };
}
