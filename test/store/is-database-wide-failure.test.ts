import { describe, expect, it } from 'vitest';
import { isDatabaseWideFailure } from '../../src/store/is-database-wide-failure';

const failure = (code: unknown) => Object.assign(new Error('failed'), { code });

describe('isDatabaseWideFailure', () => {
  it.each([
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_IOERR_FSYNC',
    'SQLITE_FULL',
    'SQLITE_READONLY',
    'SQLITE_CORRUPT',
  ])('counts %s as the database failing', (code) => expect(isDatabaseWideFailure(failure(code))).toBe(true));

  it.each([
    'SQLITE_CONSTRAINT_FOREIGNKEY',
    'SQLITE_CONSTRAINT_UNIQUE',
    'SQLITE_BUSYX',
    '23505',
    '40P01',
    // PostgreSQL's connection failures hit one transaction: the row-by-row retry takes a fresh connection.
    '57P01',
    'ECONNRESET',
    42,
    undefined,
  ])('leaves %s to the row that met it', (code) => expect(isDatabaseWideFailure(failure(code))).toBe(false));

  it('reads nothing into values that are not errors', () => {
    expect(isDatabaseWideFailure(null)).toBe(false);
    expect(isDatabaseWideFailure('SQLITE_BUSY')).toBe(false);
  });
});
