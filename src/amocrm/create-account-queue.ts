import { AmocrmError } from './amocrm-error';

export interface AccountQueueOptions {
  /** Request starts allowed per rolling second per account. */
  ratePerSecond: number;
  /** Calls waiting per account beyond which a new one is refused at once. */
  maxQueue: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface AccountQueue {
  /**
   * Starts `task` when the account's rolling second has room, after every call queued before it (FIFO). Only starts
   * are paced: a slow answer does not hold the next start back. A full queue rejects with AmocrmError `rate_limited`
   * that is not retryable.
   */
  run<T>(key: string, endpoint: string, task: () => Promise<T>): Promise<T>;
  /** Accounts currently held (waiting calls or starts inside the last second); for tests and metrics. */
  size(): number;
}

const WINDOW_MS = 1000;

interface Waiting {
  start: () => void;
}

interface Lane {
  /** Start times inside the current window, oldest first; never more than `ratePerSecond`. */
  starts: number[];
  waiting: Waiting[];
  pumping: boolean;
}

/**
 * One FIFO lane per account under amoCRM's per-account request rate (crm-rest §7, §9.17: repeated 429 bursts can get
 * the whole account blocked, so the limit is ours to keep, not just to react to). Lanes whose last start has left the
 * window and that hold nobody are dropped whenever a new lane is made, so the map holds only recently busy accounts.
 */
export function createAccountQueue(options: AccountQueueOptions): AccountQueue {
  const { ratePerSecond, maxQueue, now, sleep } = options;
  const lanes = new Map<string, Lane>();

  function idle(lane: Lane, at: number): boolean {
    const last = lane.starts.at(-1);
    return !lane.pumping && lane.waiting.length === 0 && (last === undefined || last <= at - WINDOW_MS);
  }

  function laneOf(key: string): Lane {
    const found = lanes.get(key);
    if (found) return found;
    const at = now();
    for (const [other, lane] of lanes) if (idle(lane, at)) lanes.delete(other);
    const lane: Lane = { starts: [], waiting: [], pumping: false };
    lanes.set(key, lane);
    return lane;
  }

  async function pump(lane: Lane): Promise<void> {
    lane.pumping = true;
    try {
      for (let next = lane.waiting[0]; next !== undefined; next = lane.waiting[0]) {
        const at = now();
        while (lane.starts.length > 0 && (lane.starts[0] as number) <= at - WINDOW_MS) lane.starts.shift();
        if (lane.starts.length < ratePerSecond) {
          lane.waiting.shift();
          lane.starts.push(at);
          next.start();
        } else {
          await sleep((lane.starts[0] as number) + WINDOW_MS - at);
        }
      }
    } finally {
      lane.pumping = false;
    }
  }

  return {
    run<T>(key: string, endpoint: string, task: () => Promise<T>): Promise<T> {
      const lane = laneOf(key);
      if (lane.waiting.length >= maxQueue) {
        return Promise.reject(
          new AmocrmError('rate_limited', `over ${maxQueue} calls queued for this account`, {
            endpoint,
            retryAfterMs: WINDOW_MS,
            retryable: false,
          }),
        );
      }
      return new Promise<T>((resolve, reject) => {
        // Wrapped so a task that throws before its first await still rejects its caller rather than the pump.
        lane.waiting.push({ start: () => void new Promise<T>((settle) => settle(task())).then(resolve, reject) });
        if (!lane.pumping) void pump(lane);
      });
    },
    size: () => lanes.size,
  };
}
