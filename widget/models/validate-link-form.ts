import { z } from 'zod/mini';
import { linkTitleMaxLength, linkTitleSchema, webhookUrlMaxLength, webhookUrlSchema } from '../../src/contracts/link';
import type { MessageVars } from '../i18n/create-translator';
import type { MessageKey } from '../i18n/message-keys';

export type LinkFormField = 'title' | 'webhook_url';

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
 * Checks the form with the contract's own field schemas (what the backend applies) and names each problem in i18n
 * terms; the length checks come first only so the admin is told which limit was hit.
 */
export function validateLinkForm({ title, webhookUrl }: LinkFormValues): LinkFormErrors {
  const errors: LinkFormErrors = {};
  const trimmedTitle = title.trim();
  if (trimmedTitle === '') errors.title = { key: 'form.error_title_required' };
  else if (trimmedTitle.length > linkTitleMaxLength) {
    errors.title = { key: 'form.error_title_too_long', vars: { max: linkTitleMaxLength } };
  } else if (!z.safeParse(linkTitleSchema, title).success) errors.title = { key: 'form.error_title_required' };

  const trimmedUrl = webhookUrl.trim();
  if (trimmedUrl === '') errors.webhook_url = { key: 'form.error_webhook_required' };
  else if (trimmedUrl.length > webhookUrlMaxLength) {
    errors.webhook_url = { key: 'form.error_webhook_too_long', vars: { max: webhookUrlMaxLength } };
  } else if (!z.safeParse(webhookUrlSchema, webhookUrl).success) {
    errors.webhook_url = { key: 'form.error_webhook_invalid' };
  }
  return errors;
}
