import { chaosScenarios } from './chaos-scenarios';
import { runScenario, type ScenarioResult } from './run-scenario';
import { startChaosWorld } from './start-chaos-world';

export interface ChaosSuiteOptions {
  readonly db: 'sqlite' | 'postgres';
  readonly short: boolean;
  /** The PostgreSQL server (required for db 'postgres'). */
  readonly postgresUrl?: string;
  /** Called with each result as it comes (the CLI prints as it goes). */
  readonly onResult?: (result: ScenarioResult) => void;
  /** Keep the run's directory (backend logs, SQLite file). */
  readonly keep?: boolean;
}

/**
 * Every scenario on one database, one world for all of them (each scenario counts only its own tagged messages):
 * SQLite with one backend, PostgreSQL with two behind the round-robin proxy.
 */
export async function runChaosSuite(options: ChaosSuiteOptions): Promise<ScenarioResult[]> {
  const world = await startChaosWorld({
    db: options.db,
    instances: options.db === 'sqlite' ? 1 : 2,
    ...(options.postgresUrl === undefined ? {} : { postgresUrl: options.postgresUrl }),
    ...(options.keep === undefined ? {} : { keep: options.keep }),
  });
  const results: ScenarioResult[] = [];
  let failed = true;
  try {
    // Before A's short leases a killed backend's jobs wait out 60 s: the drain must be allowed longer than that.
    const drainTimeoutMs = options.short ? 100_000 : 180_000;
    for (const scenario of chaosScenarios(options.short)) {
      const result = await runScenario(world, scenario, drainTimeoutMs, options.short ? 5_000 : 20_000);
      results.push(result);
      options.onResult?.(result);
    }
    failed = results.some((r) => r.lost + r.doubled + r.reordered > 0 || (!r.skipped && r.drainSeconds === undefined));
  } finally {
    // A failed run keeps its backend logs and database, and says where.
    if (failed) console.error(`chaos: the ${options.db} run's logs and database are kept in ${world.dir}`);
    await world.close(failed || options.keep);
  }
  return results;
}
