import { parseArgs } from 'node:util';
import { formatChaosTable } from './format-chaos-table';
import { runChaosSuite } from './run-chaos-suite';
import type { ScenarioResult } from './run-scenario';

// `npm run chaos [-- --short] [-- --keep]`; CHAOS_DB=sqlite|postgres|both (default: both when a PostgreSQL URL is
// set in CHAOS_DATABASE_URL or TEST_DATABASE_URL, else sqlite). Exits 1 on any loss, double or reorder.
const { values } = parseArgs({ options: { short: { type: 'boolean' }, keep: { type: 'boolean' } } });
const postgresUrl = process.env.CHAOS_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const chosen = process.env.CHAOS_DB ?? (postgresUrl === undefined ? 'sqlite' : 'both');
if (!['sqlite', 'postgres', 'both'].includes(chosen)) {
  console.error('CHAOS_DB must be sqlite, postgres or both');
  process.exit(2);
}
if (chosen !== 'sqlite' && postgresUrl === undefined) {
  console.error('PostgreSQL needs CHAOS_DATABASE_URL or TEST_DATABASE_URL');
  process.exit(2);
}
const databases = (chosen === 'both' ? ['sqlite', 'postgres'] : [chosen]) as ('sqlite' | 'postgres')[];

const results: ScenarioResult[] = [];
for (const db of databases) {
  console.info(`chaos (${values.short ? 'short' : 'full'}) on ${db}...`);
  await runChaosSuite({
    db,
    short: values.short === true,
    keep: values.keep === true,
    ...(postgresUrl === undefined ? {} : { postgresUrl }),
    onResult: (r) => {
      results.push(r);
      const summary =
        r.skipped ??
        `sent ${r.sent}, lost ${r.lost}, doubled ${r.doubled}, reordered ${r.reordered}, drain ${r.drainSeconds?.toFixed(1) ?? 'never'} s, missed hooks ${r.missedHooks} (${r.missedArrived} arrived), redelivered ${r.redelivered}`;
      console.info(`  ${r.scenario}: ${summary}`);
      for (const line of r.detail) console.info(`    ${line}`);
    },
  });
}
console.info(`\n${formatChaosTable(results)}`);
const failed = results.filter(
  (r) => r.lost + r.doubled + r.reordered > 0 || (!r.skipped && r.drainSeconds === undefined),
);
process.exit(failed.length > 0 ? 1 : 0);
