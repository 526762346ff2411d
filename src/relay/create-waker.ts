export interface Waker {
  /** Ends the sleep in progress; with none in progress, the next sleep returns at once. */
  wake(): void;
  /** Forgets a wake no sleep has used yet: the caller is about to look for work anyway. */
  clear(): void;
  /** Resolves after `ms` or at the first wake(), whichever comes first. One sleeper at a time. */
  sleep(ms: number): Promise<void>;
}

/**
 * What the relay's claim loop sleeps on between claims. A wake is a latch, not an event: a job that ends, or a
 * notify() that arrives, while the loop is busy claiming still cuts its next sleep short, so no work waits out a
 * whole poll interval for want of a sleeper to wake.
 */
export function createWaker(): Waker {
  let woken = false;
  let wakeUp: (() => void) | undefined;
  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    clear() {
      woken = false;
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (woken) return resolve();
        const timer = setTimeout(done, ms);
        wakeUp = done;
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
      }),
  };
}
