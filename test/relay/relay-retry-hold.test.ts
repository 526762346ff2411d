import { describe, expect, it } from 'vitest';
import { createRelayRunner } from '../../src/relay/create-relay-runner';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { enqueue, findJob } from '../../src/store/outbox-repo';
import { waitFor } from './helpers/relay-fixtures';
import { relayRunnerSetup } from './helpers/relay-runner-setup';

const START = 1_700_000_000_000;
const DAY = 24 * 60 * 60 * 1000;
const FIVE_MINUTES = 5 * 60 * 1000;

// A messenger that is down for good, and asks for a day's patience on every answer: the worst a job can meet.
describe('relay: no job holds its conversation for more than a few minutes of retries', () => {
  const setup = relayRunnerSetup();

  it('dead-letters a failing job within five minutes of backoff; the next message of its chat goes out', async () => {
    let clock = START;
    const add = (key: string) =>
      enqueue(setup.db, { idempotencyKey: key, kind: 'test.job', payload: '{}', orderingKey: 'deliver:l:chat' }, START);
    const stuck = (await add('stuck')).job;
    const next = (await add('next')).job;
    const ran: string[] = [];
    const runner = createRelayRunner({
      db: setup.db,
      idleMs: 5,
      now: () => clock,
      // The top of the jitter range, every time.
      random: () => 0.999_999,
      handle: async (job) => {
        ran.push(job.idempotencyKey);
        if (job.id === next.id) return { outcome: 'ok' };
        throw new RelayJobError('messenger_unavailable', { retryable: true, retryAfterMs: DAY });
      },
    });
    setup.runner = runner;
    runner.start();

    // Move the clock to each retry as the runner schedules it, until the job is dead.
    for (;;) {
      const attempts = ran.filter((key) => key === 'stuck').length;
      await waitFor('the attempt to be recorded', async () => {
        const job = await findJob(setup.db, stuck.id);
        return job?.status === 'dead' || (job?.status === 'pending' && job.attempts === attempts);
      });
      const job = await findJob(setup.db, stuck.id);
      if (job?.status === 'dead') break;
      expect(attempts).toBeLessThan(100);
      clock = Math.max(clock, job?.availableAt ?? clock);
      await waitFor('the next attempt', () => ran.filter((key) => key === 'stuck').length > attempts);
    }
    expect(clock - START).toBeLessThanOrEqual(FIVE_MINUTES);
    await waitFor(
      'the next message of the chat delivered',
      async () => (await findJob(setup.db, next.id))?.status === 'done',
    );
    expect(ran.at(-1)).toBe('next');
  });
});
