import { describe, expect, it } from 'vitest';
import { runChaosSuite } from '../../chaos/run-chaos-suite';
import type { ScenarioResult } from '../../chaos/run-scenario';

// The fault suite's short form (npm run chaos -- --short): real backend processes, kill -9, amojo and messenger
// outages, hooks dropped while down. Counts only: timings vary too much on shared CI machines to assert. The two
// databases run side by side, since most of each run is waiting (restarts, retry backoff, the delivery breaker).
const postgresUrl = process.env.CHAOS_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

/** What a failure should show: the scenario and what went wrong in it. */
const verdict = (r: ScenarioResult) => ({
  scenario: r.scenario,
  lost: r.lost,
  doubled: r.doubled,
  reordered: r.reordered,
  drained: r.skipped !== undefined || r.drainSeconds !== undefined,
  detail: r.detail,
});

async function expectNoLossDoubleOrReorder(db: 'sqlite' | 'postgres') {
  const results = await runChaosSuite({ db, short: true, ...(postgresUrl === undefined ? {} : { postgresUrl }) });
  expect(results).toHaveLength(4);
  // Each scenario that ran sent load through its fault, so the zeros below are counts, not an empty run.
  for (const r of results.filter((r) => r.skipped === undefined)) expect(r.sent).toBeGreaterThan(0);
  expect(results.map(verdict)).toEqual(
    results.map((r) => ({
      scenario: r.scenario,
      lost: 0,
      doubled: 0,
      reordered: 0,
      drained: true,
      detail: expect.anything(),
    })),
  );
}

describe('chaos, short form', () => {
  it.concurrent(
    'SQLite, one backend: loses, doubles and reorders nothing in any scenario',
    () => expectNoLossDoubleOrReorder('sqlite'),
    600_000,
  );
  (postgresUrl === undefined ? it.skip : it.concurrent)(
    'PostgreSQL, two backends: loses, doubles and reorders nothing in any scenario',
    () => expectNoLossDoubleOrReorder('postgres'),
    600_000,
  );
});
