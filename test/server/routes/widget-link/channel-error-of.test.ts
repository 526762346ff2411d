import { describe, expect, it } from 'vitest';
import { AmojoError, type AmojoErrorCode } from '../../../../src/amojo/amojo-error';
import { AppError } from '../../../../src/http/app-error';
import {
  channelErrorOf,
  DEFAULT_CHANNEL_RETRY_AFTER_SECONDS,
} from '../../../../src/server/routes/widget-link/channel-error-of';

const amojo = (code: AmojoErrorCode, retryAfterMs?: number) =>
  new AmojoError(code, 'x', { endpoint: 'connect', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe('channelErrorOf', () => {
  it.each(['forbidden', 'invalid_request', 'not_found'] as const)('%s is channel_rejected', (code) => {
    const error = channelErrorOf(amojo(code));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'channel_rejected', status: 502, retryAfter: undefined });
  });

  it.each(['upstream_error', 'network_error', 'timeout', 'rate_limited', 'invalid_response', 'aborted'] as const)(
    '%s is channel_unavailable with a Retry-After',
    (code) => {
      expect(channelErrorOf(amojo(code))).toMatchObject({
        code: 'channel_unavailable',
        status: 503,
        retryAfter: DEFAULT_CHANNEL_RETRY_AFTER_SECONDS,
      });
    },
  );

  it('passes on amojo’s own Retry-After, rounded up to whole seconds', () => {
    expect(channelErrorOf(amojo('rate_limited', 1500))).toMatchObject({ retryAfter: 2 });
  });

  it('leaves other errors alone', () => {
    const error = new Error('database is locked');
    expect(channelErrorOf(error)).toBe(error);
  });
});
