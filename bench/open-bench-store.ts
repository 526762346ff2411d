import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../src/store/open-database';

export interface BenchStoreOptions {
  /** A PostgreSQL server to make a fresh schema in; without it, a fresh SQLite file in a directory of its own. */
  postgresUrl?: string;
  /** Appended to the SQLite URL (`?synchronous=normal`). */
  sqliteQuery?: string;
  amojoId: string;
  scopeId: string;
  bridgeKeyHash?: string;
}

export interface BenchStore {
  /** The DATABASE_URL another process opens the same store with. */
  url: string;
  opened: OpenedDatabase;
  linkId: string;
  /** The SQLite file, for the SQLite floor; undefined on PostgreSQL. */
  sqlitePath?: string;
  /** The schema on PostgreSQL. */
  schema?: string;
  /** Closes this process's handle and deletes the store (file or schema). */
  close(): Promise<void>;
}

/** A fresh, migrated store holding the bench's one link: a temp SQLite file, or a new schema on PostgreSQL. */
export async function openBenchStore(options: BenchStoreOptions): Promise<BenchStore> {
  let url: string;
  let drop: () => Promise<void>;
  let sqlitePath: string | undefined;
  let schema: string | undefined;
  if (options.postgresUrl) {
    const pgUrl = options.postgresUrl;
    schema = `bench_${process.pid}_${randomUUID().slice(0, 8)}`;
    url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    const dropSchema = schema;
    drop = async () => {
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${dropSchema} cascade`);
      await client.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
    sqlitePath = join(dir, 'channel.db');
    url = `sqlite:${sqlitePath}${options.sqliteQuery ?? ''}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const opened = openDatabase(url, { poolSize: 4 });
  await migrateToLatest(opened.db, { schema: opened.schema });
  const link = await upsertLink(
    opened.db,
    {
      accountId: 1,
      subdomain: 'bench',
      region: 'ru',
      amojoId: options.amojoId,
      scopeId: options.scopeId,
      title: 'Bench',
      timeWindowDisabled: false,
      webhookUrl: 'http://127.0.0.1:9/hook',
      bridgeKeyHash: options.bridgeKeyHash ?? randomUUID(),
      signingSecretEnc: 'unused',
    },
    Date.now(),
  );
  if (!link.ok) throw new Error('could not seed the link');
  return {
    url,
    opened,
    linkId: link.link.id,
    ...(sqlitePath ? { sqlitePath } : {}),
    ...(schema ? { schema } : {}),
    close: async () => {
      await opened.close();
      await drop();
    },
  };
}
