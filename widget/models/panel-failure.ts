import type { ApiFailure } from '../api/backend-api';
import type { MessageKey } from '../i18n/message-keys';

/** Every reason an action can end without a result: the API's failures plus the panel's own refusals. */
export type PanelFailure =
  | ApiFailure
  /** Another action is still running. */
  | { readonly kind: 'busy' }
  /** The form has errors; they are shown next to their fields. */
  | { readonly kind: 'invalid_form' }
  /** The account has no amojo id, so there is nothing to link. */
  | { readonly kind: 'amojo_missing' };

export type PanelResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: PanelFailure };

/** The message that tells the admin what happened and what to do next. */
export function failureMessageKey(failure: PanelFailure): MessageKey {
  switch (failure.kind) {
    case 'backend':
      return `errors.${failure.code}`;
    case 'network':
    case 'timeout':
    case 'bad_response':
      return `errors.${failure.kind}`;
    case 'consent_required':
      return 'consent.required';
    case 'invalid_form':
      return 'form.error_summary';
    case 'busy':
      return 'form.submitting';
    case 'amojo_missing':
      return 'account.amojo_missing';
  }
}
