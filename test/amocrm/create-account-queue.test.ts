import { describe, expect, it } from 'vitest';
import { createAccountQueue } from '../../src/amocrm/create-account-queue';
import { virtualClock } from './helpers/virtual-clock';

const queueOn = (clock: ReturnType<typeof virtualClock>, ratePerSecond = 2, maxQueue = 10) =>
  createAccountQueue({ ratePerSecond, maxQueue, now: clock.now, sleep: clock.sleep });

describe('createAccountQueue', () => {
  it('counts a rolling second, not calendar seconds', async () => {
    const clock = virtualClock(0);
    const queue = queueOn(clock);
    const starts: number[] = [];
    const task = () => {
      starts.push(clock.now());
      return Promise.resolve();
    };
    await clock.settle(Promise.all([queue.run('a', 'GET /x', task)]));
    await clock.settle(clock.sleep(600));
    await clock.settle(Promise.all([1, 2, 3].map(() => queue.run('a', 'GET /x', task))));
    // 0 and 600 fill the window; the third waits for 0 to leave it (1000), the fourth for 600 (1600).
    expect(starts).toEqual([0, 600, 1000, 1600]);
  });

  it('paces starts only: a slow task does not hold the next one back', async () => {
    const clock = virtualClock(0);
    const queue = queueOn(clock);
    let release: () => void = () => {};
    const slow = queue.run('a', 'GET /x', () => new Promise<void>((resolve) => (release = resolve)));
    let second = false;
    await clock.settle(
      queue.run('a', 'GET /x', async () => {
        second = true;
      }),
    );
    expect(second).toBe(true);
    release();
    await slow;
  });

  it('rejects a task that throws before its first await to its caller only', async () => {
    const clock = virtualClock(0);
    const queue = queueOn(clock);
    const thrown = queue.run('a', 'GET /x', () => {
      throw new Error('sync');
    });
    await expect(thrown).rejects.toThrow('sync');
    await expect(clock.settle(queue.run('a', 'GET /x', async () => 'next'))).resolves.toBe('next');
  });

  it('drops the lanes of accounts idle for a second, so accounts do not leak', async () => {
    const clock = virtualClock(0);
    const queue = queueOn(clock);
    const ids = Array.from({ length: 50 }, (_, i) => `account:${i}`);
    await clock.settle(Promise.all(ids.map((id) => queue.run(id, 'GET /x', async () => {}))));
    expect(queue.size()).toBe(50);
    // Still inside the window: their starts still count, so they are kept.
    await clock.settle(queue.run('account:new', 'GET /x', async () => {}));
    expect(queue.size()).toBe(51);
    await clock.settle(clock.sleep(1000));
    await clock.settle(queue.run('account:later', 'GET /x', async () => {}));
    expect(queue.size()).toBe(1);
  });
});
