import { Client } from 'pg';
import { describe, it } from 'vitest';
import { DEFAULT_TEST_DATABASE_URL } from '../../store/helpers/test-databases';

/** The PostgreSQL the store tests use: TEST_DATABASE_URL, else the local default (.ci/postgres.sh). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

async function probe(): Promise<string | undefined> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await probe();

/**
 * Declares `body` when PostgreSQL at PG_URL answers, as test/store/helpers/test-databases.ts does: otherwise the
 * suite is skipped with the reason printed, except under CI=true, where an unreachable PostgreSQL fails it.
 */
export function describeWithPostgres(title: string, body: () => void): void {
  if (problem === undefined) {
    describe(title, body);
    return;
  }
  const reason = `PostgreSQL at ${redact(PG_URL)} is unreachable (${problem}); set TEST_DATABASE_URL or run .ci/postgres.sh`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs a reachable PostgreSQL under CI=true', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipping "${title}": ${reason}`);
  describe.skip(`${title} (skipped: ${reason})`, () => {
    it('runs against PostgreSQL', () => {});
  });
}
