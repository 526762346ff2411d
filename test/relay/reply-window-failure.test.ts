import { describe, expect, it } from 'vitest';
import { replyWindowFailure } from '../../src/relay/reply-window-failure';

const NOW = 1_800_000_000_000;
const HOUR = 60 * 60 * 1000;
const open = { windowSeconds: 86_400, disabled: false, lastInboundAt: NOW - HOUR, now: NOW };

describe('replyWindowFailure', () => {
  it('is open inside the window, up to its last millisecond', () => {
    expect(replyWindowFailure(open)).toBeUndefined();
    expect(replyWindowFailure({ ...open, lastInboundAt: NOW - 24 * HOUR })).toBeUndefined();
  });

  it('refuses after the window with 905 and says how long ago it closed', () => {
    const failure = replyWindowFailure({ ...open, lastInboundAt: NOW - 24 * HOUR - 1 });
    expect(failure).toMatchObject({ code: 'time_window_closed', retryable: false, errorCode: 905 });
    expect(failure?.text).toContain('closed 1 minute ago');
    expect(replyWindowFailure({ ...open, lastInboundAt: NOW - 24 * HOUR - 30 * 60_000 })?.text).toContain(
      'closed 30 minutes ago',
    );
    expect(replyWindowFailure({ ...open, lastInboundAt: NOW - 25 * HOUR })?.text).toContain('closed 1 hour ago');
    const long = replyWindowFailure({ ...open, lastInboundAt: NOW - 1000 * 24 * HOUR });
    expect(long?.text).toContain('closed 23976 hours ago');
    expect(long?.text.length).toBeLessThanOrEqual(200);
  });

  it('has no window when none is configured, when the account turned it off, or before the client wrote', () => {
    const stale = { ...open, lastInboundAt: NOW - 100 * HOUR };
    expect(replyWindowFailure({ ...stale, windowSeconds: undefined })).toBeUndefined();
    expect(replyWindowFailure({ ...stale, disabled: true })).toBeUndefined();
    expect(replyWindowFailure({ ...stale, lastInboundAt: null })).toBeUndefined();
  });
});
