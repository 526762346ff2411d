import { AmojoError } from '../../../amojo/amojo-error';
import { AppError } from '../../../http/app-error';

/** Seconds the widget is told to wait when amojo gave no Retry-After of its own. */
export const DEFAULT_CHANNEL_RETRY_AFTER_SECONDS = 15;

/**
 * amojo's answer to connect or disconnect, as the widget sees it. A refusal (403 wrong secret or a private channel
 * without this account, 400, 404) is channel_rejected: retrying will not help. Everything transient (5xx, 429,
 * network, timeout, a garbled 2xx) is channel_unavailable with Retry-After. Other errors pass through unchanged.
 */
export function channelErrorOf(error: unknown): unknown {
  if (!(error instanceof AmojoError)) return error;
  switch (error.code) {
    case 'forbidden':
    case 'invalid_request':
    case 'not_found':
      return new AppError('channel_rejected', 'amoCRM refused the channel request for this account.', { cause: error });
    default:
      return new AppError('channel_unavailable', 'amoCRM chats could not be reached; try again shortly.', {
        cause: error,
        retryAfter:
          error.retryAfterMs === undefined ? DEFAULT_CHANNEL_RETRY_AFTER_SECONDS : Math.ceil(error.retryAfterMs / 1000),
      });
  }
}
