import { Client } from 'pg';

let found: Promise<string | undefined> | undefined;

/**
 * The PostgreSQL server the bench may use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, when it answers within 3 s;
 * undefined otherwise (the PostgreSQL lines are then skipped, and say so). Asked once per run.
 */
export function findBenchPostgres(): Promise<string | undefined> {
  found ??= (async () => {
    const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (!url) return undefined;
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return url;
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return found;
}

/** The line a section prints when it runs without PostgreSQL. */
export const POSTGRES_SKIPPED =
  'PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a reachable server)';
