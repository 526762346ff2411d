import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resealAll } from '../../src/cli/reseal-all';
import { openTokens } from '../../src/installation/installation-tokens';
import { openLinkSecrets, sealLinkSecrets } from '../../src/server/routes/widget-link/link-secrets';
import { findInstallation } from '../../src/store/installations-repo';
import { findLinkByAccountId } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { createSecretBox } from '../../src/store/secret-box';
import { seedInstallation } from '../helpers/seed-installation';
import { seedLink } from '../store/helpers/seed-link';
import { describeEachDatabase } from '../store/helpers/test-databases';
import { runCli } from './run-cli';

const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');
const oldBox = createSecretBox(OLD_KEY);
const newOnly = createSecretBox(NEW_KEY);
const rotating = createSecretBox(NEW_KEY, OLD_KEY);
const secretsOf = (i: number) => ({ signingSecret: `cs_secret-${i}`, apiKeyHint: `ck_hint${i}` });

describeEachDatabase('resealAll', (t) => {
  /** `count` links whose secrets are sealed under the old key. */
  async function seedOldLinks(count: number) {
    const accounts: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const link = await seedLink(t.db);
      const sealed = sealLinkSecrets(oldBox, link.accountId, secretsOf(i));
      await t.db.updateTable('links').set({ signingSecretEnc: sealed }).where('id', '=', link.id).execute();
      accounts.push(link.accountId);
    }
    return accounts;
  }

  async function expectAllUnderNewKey(accounts: number[]) {
    for (const [i, accountId] of accounts.entries()) {
      const link = await findLinkByAccountId(t.db, accountId);
      const sealed = { accountId, signingSecretEnc: link?.signingSecretEnc ?? '' };
      expect(openLinkSecrets(newOnly, sealed)).toEqual(secretsOf(i));
    }
  }

  it('moves every sealed value to the current key, and a second run changes nothing', async () => {
    const accounts = await seedOldLinks(5);
    const unlinked = await seedLink(t.db, { signingSecretEnc: 'v1.x.y.z' });
    await t.db.updateTable('links').set({ signingSecretEnc: null }).where('id', '=', unlinked.id).execute();

    const first = await resealAll(t.db, { current: newOnly, either: rotating, batchSize: 2 });
    expect(first).toEqual({ checked: 5, resealed: 5, current: 0, unreadable: 0, raced: 0 });
    await expectAllUnderNewKey(accounts);

    const before = await t.db
      .selectFrom('links')
      .select(['id', 'signingSecretEnc', 'updatedAt'])
      .orderBy('id')
      .execute();
    const second = await resealAll(t.db, { current: newOnly, either: rotating, batchSize: 2 });
    expect(second).toEqual({ checked: 5, resealed: 0, current: 5, unreadable: 0, raced: 0 });
    expect(
      await t.db.selectFrom('links').select(['id', 'signingSecretEnc', 'updatedAt']).orderBy('id').execute(),
    ).toEqual(before);
  });

  it("moves the installations' tokens too, across pages that split an installation's two tokens", async () => {
    const accounts = await seedOldLinks(2);
    // Removed installations hold no tokens: a page of them must not end the walk before the live ones after them.
    for (const accountId of [31, 32, 33]) {
      await seedInstallation(
        t.db,
        { accountId, subdomain: `s${accountId}`, amojoId: `a-${accountId}`, state: 'removed' },
        1,
      );
    }
    for (const accountId of [41, 42, 43]) {
      await seedInstallation(
        t.db,
        { accountId, subdomain: `s${accountId}`, amojoId: `amojo-${accountId}`, secretBox: oldBox },
        1,
      );
    }
    const first = await resealAll(t.db, { current: newOnly, either: rotating, batchSize: 3 });
    expect(first).toEqual({ checked: 8, resealed: 8, current: 0, unreadable: 0, raced: 0 });
    await expectAllUnderNewKey(accounts);
    for (const accountId of [41, 42, 43]) {
      const installation = await findInstallation(t.db, accountId);
      expect(openTokens(newOnly, installation!)).toEqual({
        accessToken: `dummy-access-${accountId}`,
        refreshToken: `dummy-refresh-${accountId}`,
      });
    }
    expect(await resealAll(t.db, { current: newOnly, either: rotating, batchSize: 3 })).toMatchObject({ current: 8 });
  });

  it('resumes after an interrupted run, and counts values neither key opens without touching them', async () => {
    const accounts = await seedOldLinks(5);
    const stranger = await seedLink(t.db, {
      signingSecretEnc: createSecretBox(randomBytes(32).toString('base64')).seal('x'),
    });
    const interrupted = resealAll(t.db, {
      current: newOnly,
      either: rotating,
      batchSize: 2,
      onBatch: () => {
        throw new Error('killed');
      },
    });
    await expect(interrupted).rejects.toThrow('killed');

    const rest = await resealAll(t.db, { current: newOnly, either: rotating, batchSize: 2 });
    // The first page (2 values, in id order) was done before the interruption; the rerun takes over from there.
    expect(rest).toMatchObject({ checked: 6, unreadable: 1, raced: 0 });
    expect(rest.current).toBeGreaterThanOrEqual(1);
    expect(rest.current + rest.resealed).toBe(5);
    await expectAllUnderNewKey(accounts);
    expect((await findLinkByAccountId(t.db, stranger.accountId))?.signingSecretEnc).toBe(stranger.signingSecretEnc);
  });
});

function runReseal(env: Record<string, string>) {
  return runCli('reseal.ts', [], { DATA_ENCRYPTION_KEY_PREVIOUS: '', ...env });
}

describe('npm run reseal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reseal-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reseals under DATA_ENCRYPTION_KEY what DATA_ENCRYPTION_KEY_PREVIOUS opens and prints the counts', async () => {
    const url = `sqlite:${join(dir, 'channel.db')}`;
    const opened = openDatabase(url);
    try {
      await migrateToLatest(opened.db);
      const link = await seedLink(opened.db);
      const sealed = sealLinkSecrets(oldBox, link.accountId, secretsOf(0));
      await opened.db.updateTable('links').set({ signingSecretEnc: sealed }).where('id', '=', link.id).execute();
    } finally {
      await opened.close();
    }
    const env = { DATABASE_URL: url, DATA_ENCRYPTION_KEY: NEW_KEY };
    const run = await runReseal({ ...env, DATA_ENCRYPTION_KEY_PREVIOUS: OLD_KEY });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('checked 1, resealed 1, already current 0');
    const again = await runReseal(env);
    expect(again.stdout).toContain('checked 1, resealed 0, already current 1');
    expect(await runReseal({ DATABASE_URL: url, DATA_ENCRYPTION_KEY: 'short' })).toMatchObject({ code: 2 });
  }, 30_000);
});
