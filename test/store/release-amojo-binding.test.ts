import { beforeEach, expect, it } from 'vitest';
import { sourceOrderingKey } from '../../src/jobs/ordering-keys';
import { ensureConversation, findConversationById } from '../../src/store/conversations-repo';
import {
  createLink,
  findLinkByAccountId,
  findLinkByAmojoId,
  listAccountLinks,
  upsertLink,
} from '../../src/store/links-repo';
import { releaseAmojoBinding } from '../../src/store/release-amojo-binding';
import { seedInstallation } from '../helpers/seed-installation';
import { linkInput, seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;
const T1 = T0 + 60_000;
const X = '0a1b2c3d-0000-4000-8000-00000000abcd';
const Y = '0a1b2c3d-0000-4000-8000-00000000ffff';

describeEachDatabase('releaseAmojoBinding', (t) => {
  // The shared helper clears the link tables only; installations are this suite's to clear.
  beforeEach(async () => {
    await t.db.deleteFrom('installations').execute();
  });

  /** Account `stale` linked X from a request body; account `rightful` is the one amoCRM reports X for. */
  async function seedStaleClaim(staleInstallation?: { amojoId: string; state?: 'active' | 'removed' }) {
    const stale = await seedLink(t.db, { amojoId: X });
    if (staleInstallation) {
      await seedInstallation(
        t.db,
        { accountId: stale.accountId, subdomain: stale.subdomain, ...staleInstallation },
        T0,
      );
    }
    const rightful = linkInput({ amojoId: X });
    await seedInstallation(t.db, { accountId: rightful.accountId, subdomain: rightful.subdomain, amojoId: X }, T0);
    return { stale, rightful };
  }

  const snapshot = async () => ({
    accounts: await t.db.selectFrom('accounts').selectAll().orderBy('accountId').execute(),
    links: await t.db.selectFrom('links').selectAll().orderBy('id').execute(),
  });

  it('frees a stale claim: the holder is unlinked, and the rightful account can link the amojo id', async () => {
    const { stale, rightful } = await seedStaleClaim({ amojoId: Y });
    const { conversation } = await ensureConversation(t.db, { linkId: stale.id, conversationId: 'c-1' }, T0);
    expect(await upsertLink(t.db, rightful, T0)).toEqual({ ok: false, reason: 'amojo_id_taken' });

    // Any case finds it: amojo ids are compared in lower case.
    const release = await releaseAmojoBinding(t.db, X.toUpperCase(), T1);
    expect(release).toEqual({
      ok: true,
      applied: true,
      amojoId: X,
      accountId: stale.accountId,
      subdomain: stale.subdomain,
      releasedAs: `released:${stale.accountId}:${X}`,
      installation: { state: 'active', amojoId: Y },
      link: { id: stale.id, purged: true },
      purgedLinks: 1,
      claimants: [rightful.accountId],
    });

    expect(await findLinkByAccountId(t.db, stale.accountId)).toMatchObject({
      id: stale.id,
      amojoId: `released:${stale.accountId}:${X}`,
      scopeId: null,
      webhookUrl: null,
      bridgeKeyHash: null,
      signingSecretEnc: null,
      pending: false,
      unlinkedAt: T1,
    });
    // The rows the old link owns stay valid: nothing was deleted.
    expect(await findConversationById(t.db, conversation.id)).toMatchObject({ linkId: stale.id });

    const relinked = await upsertLink(t.db, rightful, T1);
    expect(relinked).toMatchObject({ ok: true, created: true, link: { accountId: rightful.accountId, amojoId: X } });
    expect((await findLinkByAmojoId(t.db, X))?.accountId).toBe(rightful.accountId);
  });

  it('releases a claim whose holder has no installation, or a removed one proving the same id', async () => {
    const bare = await seedLink(t.db);
    expect(await releaseAmojoBinding(t.db, bare.amojoId, T1)).toMatchObject({
      ok: true,
      installation: { state: 'none', amojoId: null },
      claimants: [],
    });

    const removed = await seedLink(t.db);
    await seedInstallation(
      t.db,
      { accountId: removed.accountId, subdomain: removed.subdomain, amojoId: removed.amojoId, state: 'removed' },
      T0,
    );
    expect(await releaseAmojoBinding(t.db, removed.amojoId, T1)).toMatchObject({
      ok: true,
      installation: { state: 'removed', amojoId: removed.amojoId },
    });
    expect(await findLinkByAmojoId(t.db, removed.amojoId)).toBeUndefined();
  });

  it('refuses a binding the holder’s own active installation proves, and changes nothing', async () => {
    const { stale, rightful } = await seedStaleClaim({ amojoId: X });
    const before = await snapshot();
    expect(await releaseAmojoBinding(t.db, X, T1)).toEqual({
      ok: false,
      reason: 'proven',
      amojoId: X,
      accountId: stale.accountId,
      subdomain: stale.subdomain,
    });
    expect(await snapshot()).toEqual(before);
    expect(await upsertLink(t.db, rightful, T1)).toEqual({ ok: false, reason: 'amojo_id_taken' });
  });

  it('answers not_bound for an amojo id no account holds', async () => {
    await seedLink(t.db);
    const before = await snapshot();
    expect(await releaseAmojoBinding(t.db, Y, T1)).toEqual({ ok: false, reason: 'not_bound', amojoId: Y });
    expect(await snapshot()).toEqual(before);
  });

  it('on a dry run says what it would do and changes nothing', async () => {
    const { stale, rightful } = await seedStaleClaim();
    const before = await snapshot();
    const dry = await releaseAmojoBinding(t.db, X, T1, { dryRun: true });
    expect(dry).toMatchObject({
      ok: true,
      applied: false,
      accountId: stale.accountId,
      link: { id: stale.id, purged: true },
      claimants: [rightful.accountId],
    });
    expect(await snapshot()).toEqual(before);
    expect(await upsertLink(t.db, rightful, T1)).toEqual({ ok: false, reason: 'amojo_id_taken' });
  });

  it('releases an already unlinked holder without touching its link row', async () => {
    const stale = await seedLink(t.db, { amojoId: X });
    await t.db
      .updateTable('links')
      .set({ scopeId: null, webhookUrl: null, bridgeKeyHash: null, signingSecretEnc: null, unlinkedAt: T0 })
      .where('id', '=', stale.id)
      .execute();
    const release = await releaseAmojoBinding(t.db, X, T1);
    expect(release).toMatchObject({ ok: true, link: { id: stale.id, purged: false } });
    expect(await findLinkByAccountId(t.db, stale.accountId)).toMatchObject({ unlinkedAt: T0 });
  });

  it('purges every link of an account that runs several, and reports the primary', async () => {
    const stale = await seedLink(t.db, { amojoId: X });
    const second = await createLink(
      t.db,
      { ...linkInput({ accountId: stale.accountId, amojoId: X, scopeId: stale.scopeId }), pipelineId: 7 },
      T0 + 1,
    );
    if (!second.ok) throw new Error('second link refused');
    const release = await releaseAmojoBinding(t.db, X, T1);
    expect(release).toMatchObject({ ok: true, link: { id: stale.id, purged: true }, purgedLinks: 2 });
    const links = await listAccountLinks(t.db, stale.accountId);
    expect(links.map((link) => link.id).sort()).toEqual([stale.id, second.link.id].sort());
    for (const link of links) {
      expect(link).toMatchObject({ scopeId: null, bridgeKeyHash: null, signingSecretEnc: null, webhookUrl: null });
    }
  });

  it('queues the deletion of each purged link’s amoCRM source in the release, none on a dry run', async () => {
    const stale = await seedLink(t.db, { amojoId: X });
    const second = await createLink(
      t.db,
      { ...linkInput({ accountId: stale.accountId, amojoId: X, scopeId: stale.scopeId }), pipelineId: null },
      T0 + 1,
    );
    if (!second.ok) throw new Error('second link refused');
    const syncs = () =>
      t.db
        .selectFrom('outbox')
        .select(['kind', 'linkId', 'orderingKey'])
        .where('kind', '=', 'amocrm.sync_source')
        .orderBy('linkId')
        .execute();
    await releaseAmojoBinding(t.db, X, T1, { dryRun: true });
    expect(await syncs()).toEqual([]);
    await releaseAmojoBinding(t.db, X, T1);
    expect(await syncs()).toEqual(
      [stale.id, second.link.id].sort().map((linkId) => ({
        kind: 'amocrm.sync_source',
        linkId,
        orderingKey: sourceOrderingKey(linkId),
      })),
    );
  });
});
