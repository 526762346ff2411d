import { isLinkTitle, isWebhookUrl, linkTitleMaxLength, webhookUrlMaxLength } from '../../src/contracts/link';
import type { MessageVars } from '../i18n/create-translator';
import type { MessageKey } from '../i18n/message-keys';

export type LinkFormField = 'title' | 'webhook_url' | 'pipeline_id';

export interface FieldError {
  readonly key: MessageKey;
  readonly vars?: MessageVars;
}

export type LinkFormErrors = Partial<Record<LinkFormField, FieldError>>;

export interface LinkFormValues {
  readonly title: string;
  readonly webhookUrl: string;
}

/**
 * Checks the form with the predicates of the contract's field schemas (what the backend applies to the trimmed
 * values) and names each problem in i18n terms; the length checks come first only so the admin is told which limit
 * was hit. The predicates rather than the schemas keep zod's trim and refine checks and the backend's English
 * messages out of the bundle.
 */
export function validateLinkForm({ title, webhookUrl }: LinkFormValues): LinkFormErrors {
  const errors: LinkFormErrors = {};
  const trimmedTitle = title.trim();
  if (trimmedTitle === '') errors.title = { key: 'form.error_title_required' };
  else if (trimmedTitle.length > linkTitleMaxLength) {
    errors.title = { key: 'form.error_title_too_long', vars: { max: linkTitleMaxLength } };
  } else if (!isLinkTitle(trimmedTitle)) errors.title = { key: 'form.error_title_required' };

  const trimmedUrl = webhookUrl.trim();
  if (trimmedUrl === '') errors.webhook_url = { key: 'form.error_webhook_required' };
  else if (trimmedUrl.length > webhookUrlMaxLength) {
    errors.webhook_url = { key: 'form.error_webhook_too_long', vars: { max: webhookUrlMaxLength } };
  } else if (!isWebhookUrl(trimmedUrl)) {
    errors.webhook_url = { key: 'form.error_webhook_invalid' };
  }
  return errors;
}
