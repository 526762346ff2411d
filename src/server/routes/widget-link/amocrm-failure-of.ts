import { AmocrmError } from '../../../amocrm/amocrm-error';
import { AppError } from '../../../http/app-error';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { DEFAULT_CHANNEL_RETRY_AFTER_SECONDS } from './channel-error-of';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * A failed amoCRM REST call of the link API (the pipelines) as the widget sees it, never a 500. A grant amoCRM no
 * longer honours is account_not_installed with the access popup, as the installation gate says it; an answer that
 * retrying will not change (403 blocked account, 402 ended subscription, 404, 400, a body we cannot read) is
 * channel_rejected; everything transient (429, 5xx, network, timeout) is channel_unavailable with Retry-After.
 */
export function amocrmFailureOf(
  ctx: Pick<WidgetLinkContext, 'grantUrl'>,
  identity: OneTimeTokenIdentity,
  error: unknown,
): unknown {
  if (!(error instanceof AmocrmError)) return error;
  switch (error.code) {
    case 'grant_refused':
    case 'unauthorized':
      return new AppError(
        'account_not_installed',
        'The integration has no working access to this amoCRM account; an administrator must grant it again.',
        { cause: error, grantUrl: ctx.grantUrl(identity.accountId, undefined, identity.domain) },
      );
    case 'forbidden':
    case 'payment_required':
    case 'not_found':
    case 'invalid_request':
    case 'invalid_response':
      return new AppError('channel_rejected', 'amoCRM refused to list the pipelines of this account.', {
        cause: error,
      });
    default:
      return new AppError('channel_unavailable', 'amoCRM could not be reached; try again shortly.', {
        cause: error,
        retryAfter:
          error.retryAfterMs === undefined
            ? DEFAULT_CHANNEL_RETRY_AFTER_SECONDS
            : Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
      });
  }
}
