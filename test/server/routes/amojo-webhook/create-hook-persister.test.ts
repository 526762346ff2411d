import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeDeliverJob } from '../../../../src/jobs/bridge-deliver-job';
import { createHookPersister } from '../../../../src/server/routes/amojo-webhook/create-hook-persister';
import type { IngressRow } from '../../../../src/store/ingress-row';
import type { Link } from '../../../../src/store/links-repo';
import { migrateToLatest } from '../../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../../src/store/open-database';
import { seedLink } from '../../../store/helpers/seed-link';

const T0 = 1_700_000_000_000;

const hookOf = (link: Link, id: string): IngressRow => {
  const dedupeKey = `m:${link.id}:${id}`;
  return {
    event: { dedupeKey, linkId: link.id, kind: 'message', payload: `{"id":"${id}"}`, receivedAt: T0 },
    job: bridgeDeliverJob(link.id, dedupeKey, `chat-${id}`),
  };
};

// The SQLite persister writes a batch in a raw transaction of its own; these pin when it may and what it must not do.
describe('the webhook persister on SQLite', () => {
  let dir: string;
  let opened: OpenedDatabase;
  let link: Link;
  let ownTransactions: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'persister-'));
    const real = openDatabase(`sqlite:${join(dir, 'hooks.db')}`);
    await migrateToLatest(real.db);
    link = await seedLink(real.db);
    ownTransactions = 0;
    const sqliteNow = real.sqliteNow;
    if (!sqliteNow) throw new Error('SQLite opens with sqliteNow');
    opened = {
      ...real,
      sqliteNow: (work) => {
        const done = sqliteNow(work);
        if (done) ownTransactions += 1;
        return done;
      },
    };
  });

  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async () => ({
    hooks: (await opened.db.selectFrom('inbox').select('dedupeKey').orderBy('dedupeKey').execute()).length,
    jobs: (await opened.db.selectFrom('outbox').select('id').execute()).length,
  });

  it('commits a batch in a transaction of its own when the connection is free', async () => {
    const persister = createHookPersister(opened, () => T0);
    const results = await Promise.all(['a', 'b', 'a'].map((id) => persister.persist(hookOf(link, id))));
    expect(results).toEqual(['new', 'new', 'duplicate']);
    expect(ownTransactions).toBe(1);
    expect(await stored()).toEqual({ hooks: 2, jobs: 2 });
    await persister.close();
  });

  it('never joins a transaction that is open: it waits for it, and its rollback takes nothing of the hooks', async () => {
    const persister = createHookPersister(opened, () => T0);
    let hooksQueued = () => {};
    const queued = new Promise<void>((resolve) => {
      hooksQueued = resolve;
    });
    const theirs = opened.db.transaction().execute(async (trx) => {
      await trx.insertInto('tokenIds').values({ jti: 'theirs', expiresAt: 1 }).execute();
      await queued;
      // Turns of the event loop pass with this transaction open: the hooks' batch runs meanwhile, and must not
      // write into it.
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('their rollback');
    });
    const hooks = Promise.all(['x', 'y'].map((id) => persister.persist(hookOf(link, id))));
    hooksQueued();
    await expect(theirs).rejects.toThrow('their rollback');
    expect(await hooks).toEqual(['new', 'new']);
    expect(ownTransactions).toBe(0);
    expect(await stored()).toEqual({ hooks: 2, jobs: 2 });
    expect(await opened.db.selectFrom('tokenIds').select('jti').execute()).toEqual([]);
    await persister.close();
  });
});
