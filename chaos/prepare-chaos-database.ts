import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface ChaosDatabase {
  readonly kind: 'sqlite' | 'postgres';
  /** DATABASE_URL for the backends and the seeding. */
  readonly url: string;
  /** Drops what the run created (the PostgreSQL schema; the SQLite file goes with the run's directory). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database per run: a SQLite file in the run's directory, or a schema of its own on the PostgreSQL
 * server at `serverUrl`, so runs (and CI jobs on one server) never see each other's rows.
 */
export async function prepareChaosDatabase(
  kind: 'sqlite' | 'postgres',
  dir: string,
  serverUrl?: string,
): Promise<ChaosDatabase> {
  if (kind === 'sqlite') {
    mkdirSync(dir, { recursive: true });
    return { kind, url: `sqlite:${join(dir, 'channel.db')}`, drop: async () => {} };
  }
  if (serverUrl === undefined) throw new Error('PostgreSQL needs CHAOS_DATABASE_URL or TEST_DATABASE_URL');
  const schema = `chaos_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  return {
    kind,
    url: `${serverUrl}${serverUrl.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: () => admin(`drop schema if exists ${schema} cascade`),
  };
}
