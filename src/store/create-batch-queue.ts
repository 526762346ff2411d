export interface BatchQueueOptions {
  /** Flush as soon as this many items wait. */
  maxBatch: number;
  /** Longest an item waits for company; 0 flushes on the next turn of the event loop. */
  maxDelayMs: number;
}

export interface BatchQueue<Item> {
  /** Queues an item; it is handed to `flush` with the others of its batch. */
  push(item: Item): void;
  /** Flushes until nothing is queued or running; the owner refuses new items first. */
  drain(): Promise<void>;
}

/**
 * The batching loop of a group commit (createGroupCommit, the bridge's message committer): items queued in the same
 * turn (or within `maxDelayMs`) form a batch, batches are flushed one at a time in order, and items that arrive
 * while one flushes have already waited one flush, so they form the next without delay. What a batch is written as,
 * and how each item hears its outcome, is `flush`'s; it must settle every item itself and never reject.
 */
export function createBatchQueue<Item>(
  flush: (batch: Item[]) => Promise<void>,
  options: BatchQueueOptions,
): BatchQueue<Item> {
  const { maxBatch, maxDelayMs } = options;
  let queue: Item[] = [];
  let timer: { cancel(): void } | undefined;
  let running: Promise<void> | undefined;

  const schedule = () => {
    if (timer || running) return;
    if (maxDelayMs > 0) {
      const handle = setTimeout(start, maxDelayMs);
      timer = { cancel: () => clearTimeout(handle) };
    } else {
      const handle = setImmediate(start);
      timer = { cancel: () => clearImmediate(handle) };
    }
  };

  function start() {
    timer?.cancel();
    timer = undefined;
    if (running) return;
    running = flushAll().finally(() => {
      running = undefined;
      // An item queued between the last look at the queue and this point found a flush still running.
      if (queue.length > 0) schedule();
    });
  }

  async function flushAll() {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      await flush(batch);
    }
  }

  return {
    push(item) {
      queue.push(item);
      if (queue.length >= maxBatch) start();
      else schedule();
    },
    async drain() {
      while (running || queue.length > 0) {
        start();
        await running;
      }
    },
  };
}
