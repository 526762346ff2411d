import type { MessengerFailure } from './messenger-failure';

export interface ReplyWindow {
  /** The channel's window (AMOJO_TIME_WINDOW_SECONDS); undefined: none. */
  windowSeconds: number | undefined;
  /** The account turned the window off at link time (`is_time_window_disabled`). */
  disabled: boolean;
  /** The client's last message; null for a write-first chat the client has not answered yet. */
  lastInboundAt: number | null;
  now: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Why a manager message may not go out because the client's reply window has closed, or undefined while it is open.
 * amojo offers no query for the window, so it is judged from our own record of the client's last message; a chat
 * with no client message yet (write first) has nothing to count from and is always open.
 */
export function replyWindowFailure(window: ReplyWindow): MessengerFailure | undefined {
  const { windowSeconds, disabled, lastInboundAt, now } = window;
  if (windowSeconds === undefined || disabled || lastInboundAt === null) return undefined;
  const closedAt = lastInboundAt + windowSeconds * 1000;
  if (now <= closedAt) return undefined;
  return {
    code: 'time_window_closed',
    retryable: false,
    retryAfterMs: undefined,
    errorCode: 905,
    text: `The client's reply window closed ${ago(now - closedAt)} ago; the messenger does not allow messages after it.`,
  };
}

function ago(ms: number): string {
  if (ms < HOUR_MS) {
    const minutes = Math.max(1, Math.floor(ms / 60_000));
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  const hours = Math.floor(ms / HOUR_MS);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
