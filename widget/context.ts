import { signal, untracked } from '@preact/signals-core';
import type { BackendApi } from './api/backend-api';
import type { CrmHost } from './host/crm-host';
import type { SettingsField } from './host/settings-field';
import { createTranslator } from './i18n/create-translator';
import { createConfirmModel } from './models/create-confirm-model';
import { createConsentModel } from './models/create-consent-model';
import { type ClipboardWriter, createCopyModel } from './models/create-copy-model';
import { createGrantModel, type StartGrant } from './models/create-grant-model';
import { createLinkFormModel } from './models/create-link-form-model';
import { createLinksModel, type LinkAction } from './models/create-links-model';
import { createScope } from './models/create-scope';
import { decodeFieldValue, encodeFieldValue } from './models/field-value';
import { failureMessageKey, type PanelFailure, type PanelResult } from './models/panel-failure';
import type { PanelOpening } from './models/panel-opening';

export type { PanelOpening };

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
  /** What the panel opens once the numbers are known: the add form (lead_sources) or one number's settings. */
  readonly opening?: PanelOpening | undefined;
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
  opening,
}: PanelDeps) {
  const scope = createScope();
  const t = createTranslator(host);
  const account = host.account();
  const installStatus = host.installStatus();
  /** Before installation the backend holds no grant for the account, so linking waits until after Install. */
  const canLink = installStatus === 'installed' || installStatus === 'unknown';
  const saved = decodeFieldValue(field.read()) ?? decodeFieldValue(host.savedSetting(settingsFieldCode));

  const consent = createConsentModel({ consentAt: saved?.consent_at ?? null, now });
  const links = createLinksModel(createApi(() => consent.given.peek()));
  const form = createLinkFormModel({
    defaultTitle: t('form.title_default'),
    defaultWebhookUrl: saved?.webhook_url ?? '',
  });
  const confirm = createConfirmModel();
  const copy = createCopyModel(clipboard);
  // access given or refused, the list says which; an action still running is waited for, so the refresh is not
  // refused as busy
  const grant = createGrantModel(startGrant, () => void links.settled().then(links.load));
  scope.add(grant.dispose);
  /** The number a source tile asked for (shown marked), or `missing` when the account has no such number. */
  const focused = signal<string | null>(null);
  let pendingOpening: PanelOpening | undefined = opening;

  // consent and link state -> the hidden custom input, written only on a real change so opening the modal does not
  // mark the form dirty; a webhook URL the platform was given (the sandbox's) is carried along, never one learnt
  // from the backend: settings reach every user's browser, and the URL is for admins
  const webhookUrl = saved?.webhook_url;
  scope.effect(() => {
    const consentAt = consent.consentAt.value;
    const list = links.list.value;
    const state = list === null ? (saved?.link ?? 'unknown') : list.links.length > 0 ? 'linked' : 'unlinked';
    const current = decodeFieldValue(field.read());
    if (consentAt === null) {
      if (field.read() !== '') field.write('');
    } else if (current?.consent_at !== consentAt || current.link !== state || current.webhook_url !== webhookUrl) {
      field.write(encodeFieldValue({ consent_at: consentAt, link: state, webhook_url: webhookUrl }));
    }
  });

  // the first consent starts the first list request; nothing is sent before it
  scope.effect(() => {
    if (!consent.given.value || !canLink) return;
    untracked(() => {
      if (links.list.value === null && links.busy.value === null) void links.load();
    });
  });

  // once the numbers are known: an account without any gets the add form at once (its first link, as before), and
  // a requested opening (lead_sources) is carried out, once
  scope.effect(() => {
    const list = links.list.value;
    if (list === null) return;
    untracked(() => {
      const editable = !links.readOnly.peek() && links.access.peek() === null;
      const request = pendingOpening;
      pendingOpening = undefined;
      if (request?.kind === 'source') {
        // external_id (our link id) first; a source_id alone only when given, else the first number whose source
        // has no id yet would match
        const { externalId, sourceId } = request;
        const link =
          list.links.find((l) => l.id === externalId) ??
          list.links.find((l) => sourceId !== undefined && l.source.id === sourceId);
        focused.value = link?.id ?? 'missing';
        if (link !== undefined && editable) form.open(link);
      } else if (editable && request?.kind === 'add' && !links.atLimit.peek()) form.open('new', request.pipelineId);
      if (editable && list.links.length === 0 && form.target.peek() === null) form.open('new');
    });
  });

  function refuse(action: LinkAction, id: string | null, failure: PanelFailure): PanelResult<never> {
    if (failure.kind === 'consent_required') consent.warn();
    links.reject(action, id, failure);
    return { ok: false, failure };
  }

  /** Sends the open form: a new number (POST) or the edited one (PUT). The form closes when the backend took it. */
  async function submit(): Promise<PanelResult<unknown>> {
    const target = form.target.peek();
    const action = target === 'new' ? 'create' : 'update';
    const id = target === 'new' || target === null ? null : target.id;
    if (!consent.given.peek()) return refuse(action, id, { kind: 'consent_required' });
    if (target === null) return { ok: true, value: null };
    const { amojoId } = account;
    if (target === 'new' && amojoId === null) return refuse(action, id, { kind: 'amojo_missing' });
    const request = form.toRequest();
    if (request === null) return refuse(action, id, { kind: 'invalid_form' });
    const result =
      target === 'new'
        ? await links.create({ amojo_id: amojoId ?? '', ...request })
        : await links.update(target.id, request);
    if (result.ok) form.close();
    else form.applyFailure(result.failure);
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
    links,
    form,
    confirm,
    copy,
    grant,
    scope,
    focused,
    submit,
    retry: () => links.load(),
    /** Opens the add form, routed to `pipelineId`: now when the numbers are known, else once they are. */
    addNumber(pipelineId: number | null) {
      if (links.list.peek() === null) pendingOpening = { kind: 'add', pipelineId };
      else if (!links.atLimit.peek()) form.open('new', pipelineId);
    },
    dismissCredentials() {
      links.dismissCredentials();
      copy.reset();
    },
    test: (id: string) => links.test(id),
    rotate(id: string) {
      confirm.cancel();
      return links.rotate(id);
    },
    unlink(id: string) {
      confirm.cancel();
      const open = form.target.peek();
      if (open !== null && open !== 'new' && open.id === id) form.close();
      return links.unlink(id);
    },
    /**
     * The onSave callback (Install/Save, and disabling). It sends the open form when it holds a change (a new
     * number, or an edit); an unchanged Save sends nothing: installs reach the backend, which reconnects the
     * account's numbers itself (docs/decisions.md). An action still running is waited for, not refused. Resolves
     * true (never the answer: it holds the one-time credentials, which stay in the panel), also when there is
     * nothing to send (disabling, no consent, not installed, a viewer who is not an admin, no access to the
     * account, no change); rejects with the admin-facing message when the backend refused.
     */
    async save(info?: unknown): Promise<true> {
      if (isDisabling(info)) return true;
      if (!consent.given.peek()) {
        consent.warn();
        return true;
      }
      if (!canLink) return true;
      // the next action can only start from a later event, so after this the model is free
      await links.settled();
      // the backend would refuse both; the panel already says why and offers Grant access
      if (links.readOnly.peek() || links.access.peek() !== null) return true;
      if (!form.dirty.peek()) return true;
      const result = await submit();
      if (result.ok) return true;
      throw new Error(t(failureMessageKey(result.failure)));
    },
    dispose() {
      scope.dispose();
      links.dispose();
    },
  };
}

export type PanelContext = ReturnType<typeof createPanelContext>;
