export type SqliteSynchronous = 'FULL' | 'NORMAL';

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string; synchronous: SqliteSynchronous }
  | { kind: 'postgres'; connectionString: string; schema: string | null };

/** Where the data lives when DATABASE_URL is unset: the server, `npm run replay` and `npm run reseal` agree on it. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/channel.db';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `DATABASE_URL`: `sqlite:<path>` (`sqlite::memory:` for a throwaway database, optional
 * `?synchronous=normal`) or `postgres://…` / `postgresql://…` (optional `?schema=<name>`, which becomes the
 * connection's search_path). Throws an Error naming the problem, never echoing a password.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) return parseSqlite(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return parsePostgres(url);
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

function parseSqlite(rest: string): DatabaseTarget {
  let path = rest;
  let synchronous: SqliteSynchronous = 'FULL';
  const query = rest.lastIndexOf('?');
  if (query !== -1) {
    path = rest.slice(0, query);
    const params = new URLSearchParams(rest.slice(query + 1));
    for (const key of params.keys()) {
      if (key !== 'synchronous') throw new Error(`DATABASE_URL: unknown sqlite option "${key}"`);
    }
    const value = params.get('synchronous')?.toUpperCase();
    if (value !== 'FULL' && value !== 'NORMAL') throw new Error('DATABASE_URL: synchronous must be full or normal');
    synchronous = value;
  }
  // `sqlite:///abs/path` is a common spelling of `sqlite:/abs/path`.
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new Error('DATABASE_URL: sqlite: needs a file path or :memory:');
  return { kind: 'sqlite', path, synchronous };
}

function parsePostgres(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL: not a valid postgres:// URL');
  }
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { kind: 'postgres', connectionString: url, schema: null };
  if (!SCHEMA_NAME.test(schema)) throw new Error('DATABASE_URL: schema must be a lowercase SQL identifier');
  parsed.searchParams.delete('schema');
  if (parsed.searchParams.has('options')) throw new Error('DATABASE_URL: use either schema or options, not both');
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return { kind: 'postgres', connectionString: parsed.toString(), schema };
}
