import { batch, computed, signal } from '@preact/signals-core';
import type { LinkUpdateRequest } from '../../src/contracts/link';
import type { LinkItem } from '../api/link-views';
import type { PanelFailure } from './panel-failure';
import { type LinkFormErrors, type LinkFormField, validateLinkForm } from './validate-link-form';

export interface LinkFormModelOptions {
  readonly defaultTitle: string;
  /** Where the webhook URL of a new number starts: one the platform was given (the sandbox's), from the saved field. */
  readonly defaultWebhookUrl?: string;
}

const formFields: readonly LinkFormField[] = ['title', 'webhook_url', 'pipeline_id'];

/**
 * The number form: closed, adding a new number (`'new'`) or editing one (the number as the backend last listed it);
 * its values, which errors to show, and whether it differs from what the backend holds.
 */
export function createLinkFormModel({ defaultTitle, defaultWebhookUrl = '' }: LinkFormModelOptions) {
  const target = signal<LinkItem | 'new' | null>(null);
  const title = signal(defaultTitle);
  const webhookUrl = signal(defaultWebhookUrl);
  const timeWindowDisabled = signal(false);
  const pipelineId = signal<number | null>(null);
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
    const current = target.value;
    if (current === null) return false;
    if (current === 'new') return webhookUrl.value.trim() !== '';
    return (
      title.value.trim() !== current.title ||
      webhookUrl.value.trim() !== (current.webhook_url ?? '') ||
      timeWindowDisabled.value !== current.time_window_disabled ||
      pipelineId.value !== current.pipeline_id
    );
  });

  function edited(field: LinkFormField) {
    if (rejected.peek().includes(field)) rejected.value = rejected.peek().filter((f) => f !== field);
  }

  return {
    target,
    title,
    webhookUrl,
    timeWindowDisabled,
    pipelineId,
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
    setPipelineId(value: number | null) {
      pipelineId.value = value;
      edited('pipeline_id');
    },
    /** Opens the form for a new number (routed to `pipeline`) or for one the backend listed. */
    open(link: LinkItem | 'new', pipeline: number | null = null) {
      const isNew = link === 'new';
      batch(() => {
        target.value = link;
        title.value = isNew ? defaultTitle : link.title;
        // only admins are sent the URL, and only admins see the form
        webhookUrl.value = isNew ? defaultWebhookUrl : (link.webhook_url ?? '');
        timeWindowDisabled.value = isNew ? false : link.time_window_disabled;
        pipelineId.value = isNew ? pipeline : link.pipeline_id;
        showErrors.value = false;
        rejected.value = [];
      });
    },
    close() {
      target.value = null;
    },
    /** The body's settings, or null (with errors now shown) when the form is not valid. */
    toRequest(): LinkUpdateRequest | null {
      showErrors.value = true;
      if (Object.keys(clientErrors.peek()).length > 0) return null;
      return {
        title: title.peek().trim(),
        webhook_url: webhookUrl.peek().trim(),
        time_window_disabled: timeWindowDisabled.peek(),
        pipeline_id: pipelineId.peek(),
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
      if (failure.code === 'pipeline_not_found') fields.add('pipeline_id');
      rejected.value = [...fields];
    },
  };
}

export type LinkFormModel = ReturnType<typeof createLinkFormModel>;
