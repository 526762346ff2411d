import { describe, expect, it } from 'vitest';
import { isDatabaseBusy } from '../../src/store/is-database-busy';

const failure = (code: unknown) => Object.assign(new Error('failed'), { code });

describe('isDatabaseBusy', () => {
  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_BUSY_RECOVERY'])('takes %s for a busy database', (code) =>
    expect(isDatabaseBusy(failure(code))).toBe(true),
  );

  it.each(['SQLITE_FULL', 'SQLITE_BUSYX', 'SQLITE_CORRUPT', '57P01', undefined])('does not take %s for one', (code) =>
    expect(isDatabaseBusy(failure(code))).toBe(false),
  );
});
