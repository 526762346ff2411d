import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAccountsArgs } from '../../src/cli/parse-accounts-args';
import type { Installation } from '../../src/store/installations-repo';
import {
  createLink,
  type Link,
  setLinkParked,
  unlinkAccount,
  unlinkLinkById,
  upsertLink,
} from '../../src/store/links-repo';
import { listAccountRows } from '../../src/store/list-account-rows';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { releaseAmojoBinding } from '../../src/store/release-amojo-binding';
import { seedInstallation } from '../helpers/seed-installation';
import { linkInput, seedLink } from '../store/helpers/seed-link';
import { describeEachDatabase } from '../store/helpers/test-databases';
import { runCli } from './run-cli';

const T0 = 1_700_000_000_000;
const X = '0a1b2c3d-0000-4000-8000-00000000abcd';

describe('parseAccountsArgs', () => {
  it('reads list and release-amojo with their flags', () => {
    expect(parseAccountsArgs(['list'])).toEqual({ ok: true, command: { kind: 'list', json: false } });
    expect(parseAccountsArgs(['list', '--json'])).toEqual({ ok: true, command: { kind: 'list', json: true } });
    expect(parseAccountsArgs(['release-amojo', X.toUpperCase(), '--dry-run'])).toEqual({
      ok: true,
      command: { kind: 'release-amojo', amojoId: X, dryRun: true },
    });
  });

  it('refuses what it does not know', () => {
    for (const argv of [
      [],
      ['lists'],
      ['list', 'extra'],
      ['list', '--dry-run'],
      ['release-amojo'],
      ['release-amojo', X, X],
      ['release-amojo', 'released:1:x'],
      ['release-amojo', X, '--json'],
    ]) {
      expect(parseAccountsArgs(argv), argv.join(' ')).toMatchObject({ ok: false });
    }
  });
});

describeEachDatabase('listAccountRows', (t) => {
  beforeEach(async () => {
    await t.db.deleteFrom('installations').execute();
  });

  it('joins installations and links by account id, with each link state', async () => {
    const linked = await seedLink(t.db);
    await seedInstallation(t.db, { accountId: linked.accountId, subdomain: 'renamed', amojoId: linked.amojoId }, T0);
    const unlinked = await seedLink(t.db);
    await unlinkAccount(t.db, unlinked.accountId, T0);
    const parked = await seedLink(t.db);
    await setLinkParked(t.db, parked.accountId, true, T0);
    const pending = await upsertLink(t.db, linkInput({ pending: true }), T0);
    if (!pending.ok) throw new Error('seed refused');
    const released = await seedLink(t.db);
    await releaseAmojoBinding(t.db, released.amojoId, T0);
    const installedOnly = await seedInstallation(
      t.db,
      { accountId: 1, subdomain: 'fresh', amojoId: X, state: 'needs_reauthorization' },
      T0,
    );

    const rows = await listAccountRows(t.db);
    expect(rows.map((row) => row.accountId)).toEqual(
      [installedOnly, linked, unlinked, parked, pending.link, released].map((a) => a.accountId),
    );
    expect(rows).toEqual([
      {
        accountId: 1,
        subdomain: 'fresh',
        installation: 'needs_reauthorization',
        boundAmojoId: null,
        released: false,
        installedAmojoId: X,
        link: 'none',
        linkId: null,
        liveLinks: 0,
        title: null,
        linkedAt: null,
      },
      {
        accountId: linked.accountId,
        subdomain: 'renamed',
        installation: 'active',
        boundAmojoId: linked.amojoId,
        released: false,
        installedAmojoId: linked.amojoId,
        link: 'linked',
        linkId: linked.id,
        liveLinks: 1,
        title: linked.title,
        linkedAt: linked.linkedAt,
      },
      expect.objectContaining({ accountId: unlinked.accountId, installation: 'none', link: 'unlinked' }),
      expect.objectContaining({ accountId: parked.accountId, link: 'parked' }),
      expect.objectContaining({ accountId: pending.link.accountId, link: 'pending' }),
      expect.objectContaining({ accountId: released.accountId, boundAmojoId: null, released: true, link: 'unlinked' }),
    ]);
  });

  it('shows one row per account running several links: its primary link and how many are live', async () => {
    const primary = await seedLink(t.db);
    const sibling = () => ({
      ...linkInput({
        accountId: primary.accountId,
        subdomain: primary.subdomain,
        amojoId: primary.amojoId,
        scopeId: primary.scopeId,
      }),
      pipelineId: null,
    });
    const second = await createLink(t.db, sibling(), T0 + 1);
    const third = await createLink(t.db, sibling(), T0 + 2);
    if (!second.ok || !third.ok) throw new Error('seed refused');
    await unlinkLinkById(t.db, third.link.id, T0 + 3);
    expect(await listAccountRows(t.db)).toEqual([
      expect.objectContaining({ accountId: primary.accountId, link: 'linked', linkId: primary.id, liveLinks: 2 }),
    ]);
    // With the primary unlinked, the next live link stands for the account.
    await unlinkAccount(t.db, primary.accountId, T0 + 4);
    expect(await listAccountRows(t.db)).toEqual([
      expect.objectContaining({ link: 'pending', linkId: second.link.id, liveLinks: 1 }),
    ]);
  });
});

describe('npm run accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accounts-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'channel.db')}`;
  const run = (...args: string[]) => runCli('accounts.ts', args, { DATABASE_URL: url });

  /** A stale claim of X by one account, the installation that proves X for another, and a genuine link. */
  async function seed(): Promise<{ stale: Link; genuine: Link; rightful: Installation }> {
    const opened = openDatabase(url);
    try {
      await migrateToLatest(opened.db);
      const stale = await seedLink(opened.db, { amojoId: X, title: 'Shop\u001b[31m red\ttab' });
      const rightful = await seedInstallation(opened.db, { accountId: 2, subdomain: 'rightful', amojoId: X }, T0);
      const genuine = await seedLink(opened.db);
      await seedInstallation(
        opened.db,
        { accountId: genuine.accountId, subdomain: genuine.subdomain, amojoId: genuine.amojoId },
        T0,
      );
      return { stale, genuine, rightful };
    } finally {
      await opened.close();
    }
  }

  it('lists accounts without a secret, and releases a stale claim', async () => {
    const { stale, genuine, rightful } = await seed();
    const secrets = [stale, genuine].flatMap((link) => [
      link.bridgeKeyHash,
      link.signingSecretEnc,
      link.webhookUrl,
      link.scopeId,
    ]);
    secrets.push(rightful.accessTokenEnc, rightful.refreshTokenEnc);
    const noSecretIn = (text: string) => {
      for (const secret of secrets) {
        expect(secret).toBeTruthy();
        expect(text).not.toContain(secret);
      }
    };

    const table = await run('list');
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+SUBDOMAIN\s+INSTALLATION\s+AMOJO ID \(BOUND\)/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^2\s+rightful\s+active\s+-\s+0a1b2c3d-0000-4000-8000-00000000abcd\s+none\s+0\s+-\s+-\s+-$/,
    );
    const staleLine = lines.find((line) => line.startsWith(String(stale.accountId)));
    expect(staleLine).toMatch(
      new RegExp(`^${stale.accountId}\\s+${stale.subdomain}\\s+none\\s+${X}\\s+-\\s+linked\\s+1\\s+${stale.id}\\s+`),
    );
    // The escape and the tab of the title are blanked out: they must not reach the operator's terminal.
    expect(staleLine).toMatch(/\s+Shop \[31m red tab\s+2023-11-14T22:13:20.000Z$/);
    expect(table.stdout).not.toContain('\u001b');
    noSecretIn(table.stdout);

    const json = await run('list', '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const rows = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.accountId)).toEqual([2, stale.accountId, genuine.accountId]);
    expect(rows[1]).toEqual({
      accountId: stale.accountId,
      subdomain: stale.subdomain,
      installation: 'none',
      boundAmojoId: X,
      released: false,
      installedAmojoId: null,
      link: 'linked',
      linkId: stale.id,
      liveLinks: 1,
      title: stale.title,
      linkedAt: '2023-11-14T22:13:20.000Z',
    });
    noSecretIn(json.stdout);

    const dry = await run('release-amojo', X.toUpperCase(), '--dry-run');
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toContain(`dry run: would release amojo id ${X} from account ${stale.accountId}`);
    expect(dry.stdout).toContain('proven by the installation of account 2, which can link it now');
    expect((await run('list', '--json')).stdout).toBe(json.stdout);

    const released = await run('release-amojo', X);
    expect(released).toMatchObject({ code: 0, stderr: '' });
    expect(released.stdout).toContain(`released amojo id ${X} from account ${stale.accountId}`);
    expect(released.stdout).toContain(`link ${stale.id} unlinked: scope, credentials and webhook URL purged`);
    const after = (await run('list', '--json')).stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(after[1]).toMatchObject({ boundAmojoId: null, released: true, link: 'unlinked' });

    const again = await run('release-amojo', X);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain(`no account is bound to amojo id ${X}`);

    const proven = await run('release-amojo', genuine.amojoId);
    expect(proven).toMatchObject({ code: 1, stdout: '' });
    expect(proven.stderr).toContain('its active installation proves it, so the binding is genuine');
  }, 120_000);

  it('prints the usage and exits 2 on missing or unknown arguments', async () => {
    for (const args of [[], ['drop'], ['release-amojo', 'not-a-uuid']]) {
      const result = await run(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain('usage: npm run accounts -- list [--json]');
    }
  }, 30_000);
});
