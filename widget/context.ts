import { untracked } from '@preact/signals-core';
import type { LinkPutResponse } from '../src/contracts/link';
import type { BackendApi } from './api/backend-api';
import type { CrmHost } from './host/crm-host';
import type { SettingsField } from './host/settings-field';
import { createTranslator } from './i18n/create-translator';
import { createConfirmModel } from './models/create-confirm-model';
import { createConsentModel } from './models/create-consent-model';
import { type ClipboardWriter, createCopyModel } from './models/create-copy-model';
import { createGrantModel, type StartGrant } from './models/create-grant-model';
import { createLinkFormModel } from './models/create-link-form-model';
import { createLinkModel } from './models/create-link-model';
import { createScope } from './models/create-scope';
import { decodeFieldValue, encodeFieldValue } from './models/field-value';
import { failureMessageKey, type PanelFailure, type PanelResult } from './models/panel-failure';

/** The manifest's `custom` settings field: consent plus link state (see models/field-value.ts). */
export const settingsFieldCode = 'channel_link';

export interface PanelDeps {
  readonly host: CrmHost;
  readonly field: SettingsField;
  /** Builds the API with the consent gate the context owns. */
  readonly createApi: (hasConsent: () => boolean) => BackendApi;
  readonly now: () => Date;
  /** `navigator.clipboard` where the page has one. */
  readonly clipboard: ClipboardWriter | undefined;
  /** Prefix for element ids, unique per mounted panel. */
  readonly idPrefix: string;
  /** Our support address (manifest.json `widget.support.email`), named under every error the admin cannot fix. */
  readonly supportEmail?: string;
  /** Opens amoCRM's access popup and listens for its end (host/start-grant-popup.ts). */
  readonly startGrant: StartGrant;
}

/** amoCRM passes `{active: 'N'}` (community-observed, undocumented) when onSave fires because the widget is disabled. */
function isDisabling(info: unknown): boolean {
  if (typeof info !== 'object' || info === null) return false;
  const active = (info as { active?: unknown }).active;
  return active === 'N' || active === false;
}

/** The composition root of one settings panel: builds the models from the adapters and tears them all down. */
export function createPanelContext({
  host,
  field,
  createApi,
  now,
  clipboard,
  idPrefix,
  supportEmail = '',
  startGrant,
}: PanelDeps) {
  const scope = createScope();
  const t = createTranslator(host);
  const account = host.account();
  const installStatus = host.installStatus();
  /** Before installation the backend holds no grant for the account, so linking waits until after Install. */
  const canLink = installStatus === 'installed' || installStatus === 'unknown';
  const saved = decodeFieldValue(field.read()) ?? decodeFieldValue(host.savedSetting(settingsFieldCode));

  const consent = createConsentModel({ consentAt: saved?.consent_at ?? null, now });
  const link = createLinkModel(createApi(() => consent.given.peek()));
  const form = createLinkFormModel({
    defaultTitle: t('form.title_default'),
    defaultWebhookUrl: saved?.webhook_url ?? '',
    status: link.status,
  });
  const confirm = createConfirmModel();
  const copy = createCopyModel(clipboard);
  // access given or refused, the status says which; an action still running is waited for, so the refresh is not
  // refused as busy
  const grant = createGrantModel(startGrant, () => void link.settled().then(link.load));
  scope.add(grant.dispose);

  // consent and link state -> the hidden custom input, written only on a real change so opening the modal does not
  // mark the form dirty; a webhook URL the platform was given (the sandbox's) is carried along, never one learnt
  // from the backend: settings reach every user's browser, and the URL is for admins
  const webhookUrl = saved?.webhook_url;
  scope.effect(() => {
    const consentAt = consent.consentAt.value;
    const status = link.status.value;
    const state = status?.state ?? saved?.link ?? 'unknown';
    const current = decodeFieldValue(field.read());
    if (consentAt === null) {
      if (field.read() !== '') field.write('');
    } else if (current?.consent_at !== consentAt || current.link !== state || current.webhook_url !== webhookUrl) {
      field.write(encodeFieldValue({ consent_at: consentAt, link: state, webhook_url: webhookUrl }));
    }
  });

  // the first consent starts the first status request; nothing is sent before it
  scope.effect(() => {
    if (!consent.given.value || !canLink) return;
    untracked(() => {
      if (link.status.value === null && link.busy.value === null) void link.load();
    });
  });

  // the backend's values fill the form whenever they change, and only then, so unsaved edits survive a rotation
  let filledFrom = '';
  scope.effect(() => {
    const current = link.status.value;
    if (current?.state !== 'linked') return;
    const key = JSON.stringify([current.title, current.webhook_url, current.time_window_disabled]);
    if (key === filledFrom) return;
    filledFrom = key;
    untracked(() => form.fill(current));
  });

  function refuse(failure: PanelFailure): PanelResult<never> {
    if (failure.kind === 'consent_required') consent.warn();
    link.reject('link', failure);
    return { ok: false, failure };
  }

  async function submit(): Promise<PanelResult<LinkPutResponse>> {
    if (!consent.given.peek()) return refuse({ kind: 'consent_required' });
    if (account.amojoId === null) return refuse({ kind: 'amojo_missing' });
    const request = form.toRequest(account.amojoId);
    if (request === null) return refuse({ kind: 'invalid_form' });
    const result = await link.link(request);
    if (!result.ok) form.applyFailure(result.failure);
    return result;
  }

  return {
    t,
    /** amoCRM's interface language, for dates: the browser's own locale may differ from it. */
    lang: host.lang(),
    idPrefix,
    supportEmail,
    account,
    canLink,
    consent,
    link,
    form,
    confirm,
    copy,
    grant,
    scope,
    submit,
    retry: () => link.load(),
    dismissCredentials() {
      link.dismissCredentials();
      copy.reset();
    },
    test: () => link.test(),
    rotate() {
      confirm.cancel();
      return link.rotate();
    },
    unlink() {
      confirm.cancel();
      return link.unlink();
    },
    /**
     * The onSave callback (Install/Save, and disabling). A linked account gets its PUT even when nothing changed:
     * every PUT reconnects at amojo, and uninstalling disconnected the channel there (docs/decisions.md). An action
     * still running is waited for, not refused. Resolves true (never the answer: it holds the one-time
     * credentials, which stay in the panel), also when there is nothing to send (disabling, no consent, not
     * installed, a viewer who is not an admin, no access to the account, not linked and nothing changed); rejects
     * with the admin-facing message when the backend refused.
     */
    async save(info?: unknown): Promise<true> {
      if (isDisabling(info)) return true;
      if (!consent.given.peek()) {
        consent.warn();
        return true;
      }
      if (!canLink) return true;
      // the next action can only start from a later event, so after this the model is free
      await link.settled();
      // the backend would refuse both; the panel already says why and offers Grant access
      if (link.readOnly.peek() || link.access.peek() !== null) return true;
      if (link.status.peek()?.state !== 'linked' && !form.dirty.peek()) return true;
      const result = await submit();
      if (result.ok) return true;
      throw new Error(t(failureMessageKey(result.failure)));
    },
    dispose() {
      scope.dispose();
      link.dispose();
    },
  };
}

export type PanelContext = ReturnType<typeof createPanelContext>;
