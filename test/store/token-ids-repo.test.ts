import { expect, it } from 'vitest';
import { markTokenSeen, pruneTokenIds } from '../../src/store/token-ids-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('token ids repo', (t) => {
  it('accepts a token id once and reports every replay', async () => {
    expect(await markTokenSeen(t.db, 'jti-1', T0 + 60_000)).toBe(true);
    expect(await markTokenSeen(t.db, 'jti-1', T0 + 60_000)).toBe(false);
    expect(await markTokenSeen(t.db, 'jti-2', T0 + 60_000)).toBe(true);
  });

  it('lets exactly one of many concurrent uses of a token id through', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => markTokenSeen(t.db, 'race', T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('prunes ids whose tokens have expired, and keeps the rest', async () => {
    await markTokenSeen(t.db, 'expired', T0 - 1);
    await markTokenSeen(t.db, 'live', T0 + 1);
    expect(await pruneTokenIds(t.db, T0)).toBe(1);
    expect(await markTokenSeen(t.db, 'live', T0 + 1)).toBe(false);
    expect(await markTokenSeen(t.db, 'expired', T0 + 1)).toBe(true);
  });
});
