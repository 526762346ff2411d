import { batch, computed, type ReadonlySignal, signal } from '@preact/signals-core';
import type { LinkedStatus, LinkPutRequest, LinkStatus } from '../../src/contracts/link';
import type { PanelFailure } from './panel-failure';
import { type LinkFormErrors, type LinkFormField, validateLinkForm } from './validate-link-form';

export interface LinkFormModelOptions {
  readonly defaultTitle: string;
  /** Where the webhook URL starts when the account is not linked: the one last linked, from the saved field. */
  readonly defaultWebhookUrl?: string;
  readonly status: ReadonlySignal<LinkStatus | null>;
}

const formFields: readonly LinkFormField[] = ['title', 'webhook_url'];

/** The link form: its values, which errors to show, and whether it differs from what the backend holds. */
export function createLinkFormModel({ defaultTitle, defaultWebhookUrl = '', status }: LinkFormModelOptions) {
  const title = signal(defaultTitle);
  const webhookUrl = signal(defaultWebhookUrl);
  const timeWindowDisabled = signal(false);
  /** Client-side errors appear only after the first submit attempt, not while the admin is still typing. */
  const showErrors = signal(false);
  /** Fields the backend refused; cleared as soon as the admin edits them. */
  const rejected = signal<readonly LinkFormField[]>([]);

  const clientErrors = computed(() => validateLinkForm({ title: title.value, webhookUrl: webhookUrl.value }));
  const errors = computed<LinkFormErrors>(() => {
    const shown: LinkFormErrors = showErrors.value ? { ...clientErrors.value } : {};
    for (const field of rejected.value) shown[field] ??= { key: 'form.error_rejected' };
    return shown;
  });
  const dirty = computed(() => {
    const current = status.value;
    if (current?.state !== 'linked') return webhookUrl.value.trim() !== '';
    return (
      title.value.trim() !== current.title ||
      webhookUrl.value.trim() !== (current.webhook_url ?? '') ||
      timeWindowDisabled.value !== current.time_window_disabled
    );
  });

  function edited(field: LinkFormField) {
    if (rejected.peek().includes(field)) rejected.value = rejected.peek().filter((f) => f !== field);
  }

  return {
    title,
    webhookUrl,
    timeWindowDisabled,
    errors,
    dirty,
    setTitle(value: string) {
      title.value = value;
      edited('title');
    },
    setWebhookUrl(value: string) {
      webhookUrl.value = value;
      edited('webhook_url');
    },
    setTimeWindowDisabled(value: boolean) {
      timeWindowDisabled.value = value;
    },
    /** Takes the backend's values, e.g. after the status loads or a link succeeds. */
    fill(linked: LinkedStatus) {
      batch(() => {
        title.value = linked.title;
        // only admins are sent the URL, and only admins see the form
        webhookUrl.value = linked.webhook_url ?? '';
        timeWindowDisabled.value = linked.time_window_disabled;
        showErrors.value = false;
        rejected.value = [];
      });
    },
    /** The PUT body, or null (with errors now shown) when the form is not valid. */
    toRequest(amojoId: string): LinkPutRequest | null {
      showErrors.value = true;
      if (Object.keys(clientErrors.peek()).length > 0) return null;
      return {
        amojo_id: amojoId,
        title: title.peek().trim(),
        webhook_url: webhookUrl.peek().trim(),
        time_window_disabled: timeWindowDisabled.peek(),
      };
    },
    /** Marks the fields a backend error points at. */
    applyFailure(failure: PanelFailure) {
      if (failure.kind !== 'backend') return;
      const fields = new Set<LinkFormField>();
      for (const issue of failure.issues) {
        const field = formFields.find((f) => issue.path === f || issue.path.startsWith(`${f}.`));
        if (field !== undefined) fields.add(field);
      }
      if (failure.code === 'webhook_url_not_allowed') fields.add('webhook_url');
      rejected.value = [...fields];
    },
  };
}

export type LinkFormModel = ReturnType<typeof createLinkFormModel>;
