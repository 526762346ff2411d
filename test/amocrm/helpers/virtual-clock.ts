/**
 * Virtual time for the queue and the retries: `sleep` parks until `settle` moves the clock to its deadline. Only
 * promise work (an injected fetch) runs between steps, so no real time passes and no assertion depends on it.
 */
export function virtualClock(start = 1_700_000_000_000) {
  let time = start;
  const timers: { at: number; resolve: () => void }[] = [];
  const slept: number[] = [];
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => time,
    date: () => new Date(time),
    slept,
    sleep(ms: number): Promise<void> {
      slept.push(ms);
      return new Promise<void>((resolve) => timers.push({ at: time + ms, resolve }));
    },
    /** Runs every parked sleep in deadline order, advancing the clock, until `work` settles. */
    async settle<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const watched = work.finally(() => {
        done = true;
      });
      watched.catch(() => {});
      for (;;) {
        await flush();
        if (done) return work;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) throw new Error('nothing left to run, and the work has not settled');
        time = Math.max(time, next.at);
        next.resolve();
      }
    },
  };
}
