import type { ActionResult } from './action-result';
import { type CredentialProblem, checkCredentials } from './check-credentials';
import { type BridgeClient, createBridgeClient } from './create-bridge-client';
import type { DemoNumber, LinkSummary, PublicSettings } from './demo-messenger-types';
import { openSettingsStore, type SettingsPatch, type SettingsStore, secretHint } from './open-settings-store';
import { saveSettings } from './save-settings';

export interface NumberRuntimeDeps {
  readonly number: DemoNumber;
  /** This number's settings file (the first number keeps the messenger's `dataFile`; see `numberDataFile`). */
  readonly dataFile: string | undefined;
  readonly bridgeUrl: string | undefined;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** The page's view changed (a check found the key refused, new credentials saved). */
  readonly changed: () => void;
  /** Known once the server listens. */
  readonly webhookUrl: () => string;
}

export interface NumberRuntime {
  readonly number: DemoNumber;
  readonly settings: SettingsStore;
  readonly bridge: BridgeClient;
  publicSettings(): PublicSettings;
  /** `PUT` settings for this number: checked with the bridge, saved only when that passes (save-settings.ts). */
  applySettings(patch: SettingsPatch): Promise<ActionResult>;
  /** Checks the saved credentials again (at start, and whenever the bridge refuses the key). */
  recheck(): Promise<void>;
}

/** What a check can say against credentials already saved; the rest says only that the bridge was not reached. */
const credentialProblems = new Set<CredentialProblem>([
  'api_key_invalid',
  'not_linked',
  'signing_secret_mismatch',
  'signature_unverifiable',
]);

/**
 * One messenger number (one link at the backend): its own bridge key, signing secret and webhook path. The number's
 * conversations share the messenger's state; everything that holds a credential lives here, so two numbers never
 * answer with each other's key.
 */
export function createNumberRuntime(deps: NumberRuntimeDeps): NumberRuntime {
  const settings = openSettingsStore({ dataFile: deps.dataFile, bridgeUrl: deps.bridgeUrl });
  let link: LinkSummary | undefined;
  let problem: { code: string; message: string } | undefined;
  const check = (candidate: Parameters<typeof checkCredentials>[1]) =>
    checkCredentials({ fetch: deps.fetch, timeoutMs: deps.timeoutMs, now: deps.now }, candidate);

  const publicSettings = (): PublicSettings => {
    const current = settings.get();
    return {
      bridgeUrl: current.bridgeUrl ?? null,
      apiKeyHint: secretHint(current.apiKey),
      signingSecretHint: secretHint(current.signingSecret),
      configured:
        current.bridgeUrl !== undefined &&
        current.apiKey !== undefined &&
        current.signingSecret !== undefined &&
        problem === undefined,
      link: link === undefined ? null : { ...link },
      problem: problem === undefined ? null : { ...problem },
      webhookUrl: deps.webhookUrl(),
    };
  };

  // Saved credentials can go stale while saved (a relink, a rotation, a data file from an earlier run): checked
  // again at start and whenever the bridge refuses the key, so "connected" never outlives them.
  let rechecking = false;
  const recheck = async () => {
    const current = settings.get();
    if (rechecking || current.bridgeUrl === undefined || current.apiKey === undefined) return;
    rechecking = true;
    try {
      const checked = await check({ ...current, bridgeUrl: current.bridgeUrl, apiKey: current.apiKey });
      // The settings may have been saved anew meanwhile; that save's own check counts, not this one.
      if (settings.get().apiKey !== current.apiKey || settings.get().signingSecret !== current.signingSecret) return;
      if (checked.ok) {
        link = { title: checked.me.title, subdomain: checked.me.account.subdomain, accountId: checked.me.account.id };
        problem = undefined;
      } else if (credentialProblems.has(checked.code)) {
        problem = { code: checked.code, message: checked.message };
      } else {
        return; // the bridge could not be asked: nothing learnt about the credentials
      }
      deps.changed();
    } finally {
      rechecking = false;
    }
  };

  const saveDeps = {
    store: settings,
    check,
    setLink: (checked: LinkSummary | undefined) => {
      link = checked;
      problem = undefined;
    },
  };

  return {
    number: deps.number,
    settings,
    bridge: createBridgeClient({
      settings: settings.get,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      onKeyRefused: () => void recheck(),
    }),
    publicSettings,
    async applySettings(patch) {
      const saved = await saveSettings(saveDeps, patch);
      if (saved.ok) deps.changed();
      return saved.ok ? { status: 200, body: { ...publicSettings() } } : saved.result;
    },
    recheck,
  };
}
