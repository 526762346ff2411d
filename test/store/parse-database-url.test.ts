import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/store/parse-database-url';

describe('parseDatabaseUrl', () => {
  it('reads SQLite paths, :memory: and the synchronous option, defaulting to FULL', () => {
    expect(parseDatabaseUrl('sqlite:./data/channel.db')).toEqual({
      kind: 'sqlite',
      path: './data/channel.db',
      synchronous: 'FULL',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:', synchronous: 'FULL' });
    expect(parseDatabaseUrl('sqlite:///var/lib/channel.db?synchronous=normal')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/channel.db',
      synchronous: 'NORMAL',
    });
  });

  it('passes PostgreSQL URLs through and turns ?schema= into a search_path option', () => {
    const plain = 'postgres://u:p@db.internal:5432/app';
    expect(parseDatabaseUrl(plain)).toEqual({ kind: 'postgres', connectionString: plain, schema: null });
    const target = parseDatabaseUrl('postgresql://u:p@db.internal/app?sslmode=require&schema=channel');
    expect(target).toMatchObject({ kind: 'postgres', schema: 'channel' });
    if (target.kind !== 'postgres') return;
    const url = new URL(target.connectionString);
    expect(url.searchParams.get('schema')).toBeNull();
    expect(url.searchParams.get('sslmode')).toBe('require');
    expect(url.searchParams.get('options')).toBe('-c search_path=channel');
  });

  it('rejects what it cannot use, without echoing credentials', () => {
    const bad = [
      'mysql://u:secret@h/db',
      'sqlite:',
      'sqlite:x.db?synchronous=off',
      'sqlite:x.db?journal=delete',
      'postgres://u:secret@h/db?schema=Robert;drop',
      'postgres://u:secret@h/db?schema=a&options=-c%20x=y',
    ];
    for (const url of bad) {
      expect(() => parseDatabaseUrl(url), url).toThrow(/DATABASE_URL/);
      try {
        parseDatabaseUrl(url);
      } catch (error) {
        expect(String(error)).not.toContain('secret');
      }
    }
  });
});
