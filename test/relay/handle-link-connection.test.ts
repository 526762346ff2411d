import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleLinkConnection } from '../../src/relay/handle-link-connection';
import type { RelayDeps } from '../../src/relay/relay-deps';
import { confirmLink, createLink, type Link, setLinkParked, unlinkLinkById } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import type { Database } from '../../src/store/schema';
import { linkInput, seedLink } from '../store/helpers/seed-link';

const NOW = 1_800_000_000_000;

describe('handleLinkConnection', () => {
  let opened: ReturnType<typeof openDatabase>;
  let db: Kysely<Database>;
  let connects: Array<{ account_id: string; title: string; is_time_window_disabled: boolean }>;

  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    db = opened.db;
    await migrateToLatest(db);
    connects = [];
  });
  afterEach(() => opened.close());

  const deps = () =>
    ({
      db,
      amojo: () => ({
        connect: async (body: (typeof connects)[number]) => {
          connects.push({
            account_id: body.account_id,
            title: body.title,
            is_time_window_disabled: body.is_time_window_disabled,
          });
          return { scope_id: 'scope' };
        },
        disconnect: async () => undefined,
      }),
    }) as unknown as RelayDeps;

  /** The primary (oldest) link, titled "Main", and a younger one that turns the time window off. */
  async function seedAccount(): Promise<{ primary: Link; second: Link }> {
    const primary = await seedLink(db, { title: 'Main', timeWindowDisabled: false });
    const input = linkInput({
      accountId: primary.accountId,
      subdomain: primary.subdomain,
      amojoId: primary.amojoId,
      scopeId: primary.scopeId,
      title: 'Second',
      timeWindowDisabled: true,
    });
    const created = await createLink(db, { ...input, pipelineId: null }, NOW);
    if (!created.ok) throw new Error('refused');
    const second = await confirmLink(
      db,
      created.link.id,
      { scopeId: primary.scopeId ?? '', bridgeKeyHash: input.bridgeKeyHash },
      NOW,
    );
    if (!second) throw new Error('not confirmed');
    return { primary, second };
  }

  it('connects the shared scope with the account’s settings, whichever link the job names', async () => {
    const { primary, second } = await seedAccount();
    for (const link of [second, primary]) {
      expect(await handleLinkConnection(deps(), { kind: 'amojo.connect_link', linkId: link.id })).toEqual({
        outcome: 'connected',
      });
    }
    // The primary's title, and the window off because one live link turns it off: both connects say the same.
    const scope = { account_id: primary.amojoId, title: 'Main', is_time_window_disabled: true };
    expect(connects).toEqual([scope, scope]);
  });

  it('leaves an unlinked link’s settings out of the scope’s', async () => {
    const { primary, second } = await seedAccount();
    await unlinkLinkById(db, second.id, NOW);
    expect(await handleLinkConnection(deps(), { kind: 'amojo.connect_link', linkId: second.id })).toEqual({
      outcome: 'skipped',
    });
    await handleLinkConnection(deps(), { kind: 'amojo.connect_link', linkId: primary.id });
    expect(connects).toEqual([{ account_id: primary.amojoId, title: 'Main', is_time_window_disabled: false }]);
  });

  it('skips a connect while the links are parked', async () => {
    const { primary } = await seedAccount();
    await setLinkParked(db, primary.accountId, true, NOW);
    expect(await handleLinkConnection(deps(), { kind: 'amojo.connect_link', linkId: primary.id })).toEqual({
      outcome: 'skipped',
    });
    expect(connects).toEqual([]);
  });
});
