import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createTokenSource } from '../../src/installation/create-token-source';
import { openTokens } from '../../src/installation/installation-tokens';
import { findInstallation } from '../../src/store/installations-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { runTsx } from '../helpers/run-tsx';
import { describeEachDatabase } from '../store/helpers/test-databases';
import { createFakeAmocrmTokens } from './helpers/fake-amocrm-tokens';
import { startFakeTokenServer } from './helpers/fake-token-server';
import { seedInstallation, testSecretBox } from './helpers/seed-installation';

const ACCOUNT = 33_000_001;
const child = fileURLToPath(new URL('./helpers/refresh-child.ts', import.meta.url));

// amoCRM's refresh tokens are single use (crm-rest §1.6, §9.1): two refreshers racing with one token leave one of
// them refused and, unless the winner's pair was stored first, the install lost. Both races below are against a fake
// that enforces single use; without the lease both refreshers would present the token, and the grant count shows it.
// In-memory SQLite is one connection, so it has no second pool or process to race with.
describeEachDatabase('refresh race across pools and processes', (t) => {
  it.skipIf(!t.openAnother)('two token sources, each with its own pool, refresh a due token once', async () => {
    const other = await t.openAnother?.();
    if (!other) throw new Error('no second pool');
    let clock = Date.now();
    const amo = createFakeAmocrmTokens(() => clock);
    const pair = amo.issue();
    await seedInstallation(t.db, ACCOUNT, { ...pair, accessExpiresAt: clock + 60_000 }, clock);
    const sourceFor = (db: typeof t.db, ownerId: string) =>
      createTokenSource({
        db,
        secretBox: testSecretBox(),
        grant: amo.grant,
        baseUrlOf: () => 'https://shop.amocrm.ru',
        now: () => clock,
        ownerId,
      });
    const release = amo.holdAnswers();
    const race = Promise.all([
      sourceFor(t.db, 'pool-a').access(ACCOUNT),
      sourceFor(other.db, 'pool-b').access(ACCOUNT),
    ]);
    // Both are in: one holds the lease and waits for amoCRM, the other polls the lease.
    setTimeout(release, 300);
    const [a, b] = await race;
    clock += 1;

    expect(amo.refreshCalls).toEqual([pair.refreshToken]);
    expect(a.accessToken).toBe(b.accessToken);
    expect(a.accessToken).not.toBe(pair.accessToken);
    expect(amo.works(a.accessToken)).toBe(true);
    const stored = await findInstallation(t.db, ACCOUNT);
    expect(stored).toMatchObject({ state: 'active', tokenVersion: 2 });
    expect(stored && openTokens(testSecretBox(), stored)?.accessToken).toBe(a.accessToken);
  });

  it.skipIf(!t.freshUrl)(
    'two processes refresh a due token once, against one token server',
    async () => {
      const url = t.freshUrl?.() ?? '';
      const server = await startFakeTokenServer({ parties: 2, answerDelayMs: 500 });
      const opened = openDatabase(url);
      try {
        await migrateToLatest(opened.db, { schema: opened.schema });
        const pair = server.amo.issue();
        await seedInstallation(opened.db, ACCOUNT, { ...pair, accessExpiresAt: Date.now() + 60_000 }, Date.now());

        const children = await Promise.all(
          ['process-a', 'process-b'].map((owner) => runTsx(child, [url, server.url, String(ACCOUNT), owner])),
        );
        for (const c of children) expect(c.stderr).toBe('');
        const tokens = children.map((c) => (JSON.parse(c.stdout) as { accessToken: string }).accessToken);

        expect(server.requests).toEqual([{ grantType: 'refresh_token', refreshToken: pair.refreshToken }]);
        expect(tokens[0]).toBe(tokens[1]);
        expect(tokens[0]).not.toBe(pair.accessToken);
        expect(server.amo.works(tokens[0] ?? '')).toBe(true);
        const stored = await findInstallation(opened.db, ACCOUNT);
        expect(stored).toMatchObject({ state: 'active', tokenVersion: 2 });
        expect(stored && openTokens(testSecretBox(), stored)?.accessToken).toBe(tokens[0]);
      } finally {
        await opened.close();
        await server.close();
      }
    },
    60_000,
  );
});
