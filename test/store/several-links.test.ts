import { expect, it } from 'vitest';
import { maxLinksPerAccount } from '../../src/contracts/link/link-numbers';
import { sourceSyncJob } from '../../src/jobs/amocrm-jobs';
import { hashApiKey } from '../../src/store/api-key-hash';
import { findDeliveryBreaker, findDeliveryBreakerOfAccount } from '../../src/store/delivery-breaker-repo';
import {
  confirmLink,
  countLiveLinks,
  createLink,
  findLinkByAccountId,
  findLinkByAmojoId,
  findLinkById,
  findLinkByScopeId,
  findLinkedScopes,
  findLinksByScopeId,
  type Link,
  type LinkInput,
  listAccountLinks,
  listAccountLinksOf,
  listLinksNeedingSourceSync,
  rotateLinkCredentials,
  rotateLinkCredentialsById,
  setAccountLinksParked,
  setLinkParked,
  setLinkSource,
  unlinkAccount,
  unlinkLinkById,
  updateLinkById,
  updateLinkSettings,
  upsertLink,
} from '../../src/store/links-repo';
import { enqueue } from '../../src/store/outbox-repo';
import { linkInput } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('several links per account', (t) => {
  /** An account's first link (upsertLink, as the deprecated PUT writes it) and `more` links added with createLink. */
  async function account(more: number, at = T0) {
    const base = linkInput();
    const first = await upsertLink(t.db, base, at);
    if (!first.ok) throw new Error(`first link refused: ${first.reason}`);
    const added: Link[] = [];
    for (let i = 0; i < more; i += 1) added.push(await addLink(base, at + 1 + i));
    return { base, primary: first.link, added };
  }

  /** Another live, confirmed number of the account `base` names. */
  async function addLink(base: LinkInput, now: number, pipelineId: number | null = null): Promise<Link> {
    const input = { ...sibling(base), pipelineId };
    const created = await createLink(t.db, input, now);
    if (!created.ok) throw new Error(`link refused: ${created.reason}`);
    const confirmed = await confirmLink(
      t.db,
      created.link.id,
      { scopeId: base.scopeId ?? '', bridgeKeyHash: input.bridgeKeyHash },
      now,
    );
    if (!confirmed) throw new Error('confirm failed');
    return confirmed;
  }

  const sibling = (base: LinkInput): LinkInput =>
    linkInput({
      accountId: base.accountId,
      subdomain: base.subdomain,
      amojoId: base.amojoId,
      scopeId: base.scopeId,
    });

  it('creates a new pending link beside the first, on the same scope, with its own id, key and pipeline', async () => {
    const { base, primary } = await account(0);
    const input = { ...sibling(base), pipelineId: 55 };
    const created = await createLink(t.db, input, T0 + 5, () => 'second-link');
    expect(created).toEqual({
      ok: true,
      created: true,
      link: expect.objectContaining({
        id: 'second-link',
        accountId: base.accountId,
        scopeId: base.scopeId,
        title: input.title,
        webhookUrl: input.webhookUrl,
        bridgeKeyHash: input.bridgeKeyHash,
        pending: true,
        pipelineId: 55,
        sourceId: null,
        sourceState: 'pending',
        sourceError: null,
        createdAt: T0 + 5,
      }),
    });
    expect(await countLiveLinks(t.db, base.accountId)).toBe(2);
    expect((await findLinksByScopeId(t.db, base.scopeId ?? '')).map((l) => l.id)).toEqual([primary.id, 'second-link']);
    // The account-wide lookups keep answering with the primary link.
    expect((await findLinkByAccountId(t.db, base.accountId))?.id).toBe(primary.id);
    expect((await findLinkByAmojoId(t.db, base.amojoId))?.id).toBe(primary.id);
    expect((await findLinkByScopeId(t.db, base.scopeId ?? ''))?.id).toBe(primary.id);
    // The same amojo rules as upsertLink.
    expect(await createLink(t.db, { ...linkInput({ amojoId: base.amojoId }), pipelineId: null }, T0)).toEqual({
      ok: false,
      reason: 'amojo_id_taken',
    });
    expect(await createLink(t.db, { ...linkInput({ accountId: base.accountId }), pipelineId: null }, T0)).toEqual({
      ok: false,
      reason: 'account_amojo_mismatch',
    });
    // A brand-new account's first link may come from createLink too.
    const fresh = linkInput();
    expect(await createLink(t.db, { ...fresh, pipelineId: null }, T0)).toMatchObject({
      ok: true,
      link: { accountId: fresh.accountId, amojoId: fresh.amojoId },
    });
  });

  it(`lets an account run ${maxLinksPerAccount} live links and refuses one more; an unlink frees a slot`, async () => {
    const { base, added } = await account(maxLinksPerAccount - 2);
    expect(await countLiveLinks(t.db, base.accountId)).toBe(maxLinksPerAccount - 1);
    const last = await createLink(t.db, { ...sibling(base), pipelineId: null }, T0 + 500);
    expect(last).toMatchObject({ ok: true });
    expect(await countLiveLinks(t.db, base.accountId)).toBe(maxLinksPerAccount);
    const refused = { ...sibling(base), pipelineId: null };
    expect(await createLink(t.db, refused, T0 + 501)).toEqual({ ok: false, reason: 'link_limit_reached' });
    expect(await findLinkByKeyHash(refused.bridgeKeyHash)).toBeUndefined();

    await unlinkLinkById(t.db, added[0]?.id ?? '', T0 + 502);
    expect(await createLink(t.db, { ...sibling(base), pipelineId: null }, T0 + 503)).toMatchObject({ ok: true });
    expect(await countLiveLinks(t.db, base.accountId)).toBe(maxLinksPerAccount);
    // Unlinked links stay on record and do not count.
    expect(await listAccountLinks(t.db, base.accountId)).toHaveLength(maxLinksPerAccount + 1);
  });

  it('lets exactly one of several concurrent creates at the limit through', async () => {
    const { base } = await account(maxLinksPerAccount - 2);
    // On PostgreSQL these run at once on two pools' connections; the account row lock orders them. SQLite's one
    // connection runs them in turn (two connections in one thread would block each other for the busy timeout).
    const other = t.dialect === 'postgres' ? await t.openAnother?.() : undefined;
    const dbs = [t.db, other?.db ?? t.db];
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => createLink(dbs[i % 2] ?? t.db, { ...sibling(base), pipelineId: null }, T0 + 600)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, reason: 'link_limit_reached' },
      { ok: false, reason: 'link_limit_reached' },
      { ok: false, reason: 'link_limit_reached' },
    ]);
    expect(await countLiveLinks(t.db, base.accountId)).toBe(maxLinksPerAccount);
  });

  it('changes, rotates and unlinks one link by id and leaves its siblings alone', async () => {
    const { primary, added } = await account(2);
    const [b, c] = added as [Link, Link];
    const untouched = async () => [await findLinkById(t.db, primary.id), await findLinkById(t.db, c.id)];
    const before = await untouched();

    const updated = await updateLinkById(
      t.db,
      b.id,
      { title: 'Support', webhookUrl: 'https://messenger.example/support', timeWindowDisabled: true, pipelineId: 9 },
      T0 + 10,
    );
    expect(updated).toMatchObject({
      id: b.id,
      title: 'Support',
      webhookUrl: 'https://messenger.example/support',
      timeWindowDisabled: true,
      pipelineId: 9,
      updatedAt: T0 + 10,
    });
    const rotated = await rotateLinkCredentialsById(
      t.db,
      b.id,
      { bridgeKeyHash: hashApiKey('b-new'), signingSecretEnc: 'v1.b-new' },
      T0 + 11,
    );
    expect(rotated).toMatchObject({ id: b.id, bridgeKeyHash: hashApiKey('b-new'), signingSecretEnc: 'v1.b-new' });
    expect(await findLinkByKeyHash(b.bridgeKeyHash ?? '')).toBeUndefined();
    expect(await untouched()).toEqual(before);

    await failing(b.id, 'https://messenger.example/support');
    await failing(c.id, c.webhookUrl ?? '');
    // The single-link status reads the primary link's breaker, not a sibling's.
    expect(await findDeliveryBreakerOfAccount(t.db, b.accountId)).toBeUndefined();
    await failing(primary.id, primary.webhookUrl ?? '');
    expect((await findDeliveryBreakerOfAccount(t.db, b.accountId))?.linkId).toBe(primary.id);
    const unlinked = await unlinkLinkById(t.db, b.id, T0 + 13);
    expect(unlinked).toMatchObject({ id: b.id, scopeId: null, bridgeKeyHash: null, webhookUrl: null });
    expect(await findDeliveryBreaker(t.db, b.id)).toBeUndefined();
    expect(await findDeliveryBreaker(t.db, c.id)).toBeDefined();
    expect((await untouched()).map((l) => l?.scopeId)).toEqual([primary.scopeId, c.scopeId]);

    // Not live any more: every by-id change answers undefined.
    expect(await unlinkLinkById(t.db, b.id, T0 + 14)).toBeUndefined();
    expect(await updateLinkById(t.db, b.id, { title: 'x' }, T0 + 14)).toBeUndefined();
    expect(
      await rotateLinkCredentialsById(t.db, b.id, { bridgeKeyHash: hashApiKey('z'), signingSecretEnc: 'z' }, T0 + 14),
    ).toBeUndefined();
    expect(await updateLinkById(t.db, 'no-such-link', { title: 'x' }, T0 + 14)).toBeUndefined();
  });

  it('leaves a pending link out of by-id settings and rotation, but lets it be unlinked', async () => {
    const { base } = await account(0);
    const created = await createLink(t.db, { ...sibling(base), pipelineId: null }, T0 + 1);
    if (!created.ok) throw new Error('refused');
    expect(await updateLinkById(t.db, created.link.id, { title: 'x' }, T0 + 2)).toBeUndefined();
    expect(
      await rotateLinkCredentialsById(t.db, created.link.id, { bridgeKeyHash: 'h', signingSecretEnc: 's' }, T0 + 2),
    ).toBeUndefined();
    expect(await unlinkLinkById(t.db, created.link.id, T0 + 3)).toMatchObject({ scopeId: null, pending: false });
  });

  it('puts the source back to pending when the title or pipeline changes, not for other settings', async () => {
    const { added } = await account(1);
    const b = added[0] as Link;
    await setLinkSource(t.db, b.id, { sourceId: 700, sourceState: 'synced', sourceError: null }, T0 + 1);
    expect(await findLinkById(t.db, b.id)).toMatchObject({ sourceId: 700, sourceState: 'synced', updatedAt: T0 + 1 });

    const same = await updateLinkById(
      t.db,
      b.id,
      { title: b.title, pipelineId: null, webhookUrl: 'https://messenger.example/x', timeWindowDisabled: true },
      T0 + 2,
    );
    expect(same).toMatchObject({ sourceState: 'synced', sourceId: 700 });
    expect(await updateLinkById(t.db, b.id, { pipelineId: 3 }, T0 + 3)).toMatchObject({
      sourceState: 'pending',
      sourceId: 700,
    });
    await setLinkSource(t.db, b.id, { sourceId: 700, sourceState: 'failed', sourceError: 'invalid_request' }, T0 + 4);
    expect(await updateLinkById(t.db, b.id, { title: 'Renamed' }, T0 + 5)).toMatchObject({
      sourceState: 'pending',
      sourceError: null,
    });
    // The accountId version acts on the primary link the same way.
    const primary = await findLinkByAccountId(t.db, b.accountId);
    await setLinkSource(t.db, primary?.id ?? '', { sourceId: 1, sourceState: 'synced', sourceError: null }, T0 + 6);
    expect(await updateLinkSettings(t.db, b.accountId, { title: 'Sales' }, T0 + 7)).toMatchObject({
      id: primary?.id,
      title: 'Sales',
      sourceState: 'pending',
    });
    expect(await findLinkById(t.db, b.id)).toMatchObject({ title: 'Renamed' });
  });

  it('acts on the primary link through the accountId functions: oldest live link, else oldest link', async () => {
    const base = linkInput();
    // Same creation time: the id breaks the tie.
    const first = await createLink(t.db, { ...base, pending: false, pipelineId: null }, T0, () => 'link-b');
    const second = await createLink(t.db, { ...sibling(base), pending: false, pipelineId: null }, T0, () => 'link-a');
    const third = await createLink(
      t.db,
      { ...sibling(base), pending: false, pipelineId: null },
      T0 - 1,
      () => 'link-c',
    );
    if (!first.ok || !second.ok || !third.ok) throw new Error('refused');
    const ids = async () => (await listAccountLinks(t.db, base.accountId)).map((l) => l.id);
    expect(await ids()).toEqual(['link-c', 'link-a', 'link-b']);
    expect((await findLinkByAccountId(t.db, base.accountId))?.id).toBe('link-c');

    expect(await updateLinkSettings(t.db, base.accountId, { title: 'Primary' }, T0 + 1)).toMatchObject({
      id: 'link-c',
      title: 'Primary',
    });
    const key = { bridgeKeyHash: hashApiKey('p'), signingSecretEnc: 'v1.p' };
    expect(await rotateLinkCredentials(t.db, base.accountId, key, T0 + 2)).toMatchObject({ id: 'link-c' });

    // unlinkAccount unlinks the primary only; the next oldest live link becomes primary.
    expect(await unlinkAccount(t.db, base.accountId, T0 + 3)).toMatchObject({ id: 'link-c', scopeId: null });
    expect(await countLiveLinks(t.db, base.accountId)).toBe(2);
    expect(await ids()).toEqual(['link-a', 'link-b', 'link-c']);
    expect((await findLinkByAccountId(t.db, base.accountId))?.id).toBe('link-a');
    expect(await listAccountLinks(t.db, base.accountId, { liveOnly: true })).toHaveLength(2);
    expect(await unlinkAccount(t.db, base.accountId, T0 + 4)).toMatchObject({ id: 'link-a' });
    expect(await unlinkAccount(t.db, base.accountId, T0 + 5)).toMatchObject({ id: 'link-b' });
    expect(await unlinkAccount(t.db, base.accountId, T0 + 6)).toBeUndefined();
    expect(await updateLinkSettings(t.db, base.accountId, { title: 'x' }, T0 + 6)).toBeUndefined();

    // With none live, the oldest link is primary, and a relink (the deprecated PUT) brings that one back.
    expect((await findLinkByAccountId(t.db, base.accountId))?.id).toBe('link-c');
    const relinked = await upsertLink(t.db, { ...sibling(base), scopeId: base.scopeId }, T0 + 7);
    expect(relinked).toMatchObject({ ok: true, created: false, link: { id: 'link-c', sourceState: 'pending' } });
    expect(await listAccountLinks(t.db, base.accountId, { liveOnly: true })).toHaveLength(1);
  });

  it('parks and unparks every link of the account, keeping the first parking time', async () => {
    const { base, primary, added } = await account(2);
    const other = await account(0);
    expect(await setLinkParked(t.db, base.accountId, true, T0 + 10)).toMatchObject({ id: primary.id });
    const parked = await setAccountLinksParked(t.db, base.accountId, true, T0 + 20);
    expect(parked.map((l) => [l.id, l.parkedAt])).toEqual([primary, ...added].map((l) => [l.id, T0 + 10]));
    expect((await findLinkById(t.db, other.primary.id))?.parkedAt).toBeNull();
    const unparked = await setAccountLinksParked(t.db, base.accountId, false, T0 + 30);
    expect(unparked.map((l) => l.parkedAt)).toEqual([null, null, null]);
    expect(await setLinkParked(t.db, 424242, true, T0)).toBeUndefined();
    expect(await setAccountLinksParked(t.db, 424242, true, T0)).toEqual([]);
  });

  it('reports one linked scope per account, with the primary title and any disabled time window', async () => {
    const { base, primary } = await account(0);
    const b = await addLink(base, T0 + 1);
    await updateLinkById(t.db, b.id, { timeWindowDisabled: true }, T0 + 2);
    const scopes = await findLinkedScopes(t.db);
    expect(scopes).toEqual([{ amojoId: base.amojoId, title: primary.title, timeWindowDisabled: true }]);
    await unlinkLinkById(t.db, b.id, T0 + 3);
    expect(await findLinkedScopes(t.db)).toEqual([
      { amojoId: base.amojoId, title: primary.title, timeWindowDisabled: false },
    ]);
  });

  it('lists the live, unparked links whose source waits for a sync and has none queued', async () => {
    const { base, primary, added } = await account(5);
    const [synced, queued, finished, unlinked, parkedLater] = added as [Link, Link, Link, Link, Link];
    const other = await account(0, T0 + 100);
    await setLinkSource(t.db, synced.id, { sourceId: 1, sourceState: 'synced', sourceError: null }, T0 + 10);
    await enqueue(t.db, sourceSyncJob(queued.id, T0 + 10), T0 + 10);
    const done = await enqueue(t.db, sourceSyncJob(finished.id, T0 + 10), T0 + 10);
    await t.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', done.job.id).execute();
    await unlinkLinkById(t.db, unlinked.id, T0 + 10);

    const waiting = async (limit = 100) => (await listLinksNeedingSourceSync(t.db, limit)).map((l) => l.id);
    expect(await waiting()).toEqual([primary.id, finished.id, parkedLater.id, other.primary.id]);
    expect(await waiting(2)).toEqual([primary.id, finished.id]);
    await setAccountLinksParked(t.db, base.accountId, true, T0 + 11);
    expect(await waiting()).toEqual([other.primary.id]);
  });

  it('also lists unlinked, unparked links whose source is still at amoCRM', async () => {
    const { base, added } = await account(3);
    const [orphan, cleared, live] = added as [Link, Link, Link];
    await setLinkSource(t.db, orphan.id, { sourceId: 5, sourceState: 'synced', sourceError: null }, T0 + 10);
    await setLinkSource(t.db, live.id, { sourceId: 6, sourceState: 'synced', sourceError: null }, T0 + 10);
    await unlinkLinkById(t.db, orphan.id, T0 + 11);
    await unlinkLinkById(t.db, cleared.id, T0 + 11);
    const waiting = async () => (await listLinksNeedingSourceSync(t.db, 100)).map((l) => l.id);
    expect((await waiting()).sort()).toEqual([(await findLinkByAccountId(t.db, base.accountId))?.id, orphan.id].sort());
    await enqueue(t.db, sourceSyncJob(orphan.id, T0 + 12), T0 + 12);
    expect(await waiting()).not.toContain(orphan.id);
  });

  it('lists the links of the account that owns a link id, as listAccountLinks does', async () => {
    const { base, added } = await account(2);
    await account(1, T0 + 50);
    const [, gone] = added as [Link, Link];
    await unlinkLinkById(t.db, gone.id, T0 + 10);
    for (const liveOnly of [true, false]) {
      expect(await listAccountLinksOf(t.db, gone.id, { liveOnly })).toEqual(
        await listAccountLinks(t.db, base.accountId, { liveOnly }),
      );
    }
    expect(await listAccountLinksOf(t.db, 'no-such-link')).toEqual([]);
  });

  it('queues the jobs an unlink asks for in its own transaction, or unlinks nothing', async () => {
    const { base, primary, added } = await account(1);
    const [second] = added as [Link];
    const syncs = async () =>
      (await t.db.selectFrom('outbox').select('linkId').where('kind', '=', 'amocrm.sync_source').execute()).map(
        (row) => row.linkId,
      );
    const boom = () => {
      throw new Error('enqueue failed');
    };
    await expect(unlinkLinkById(t.db, second.id, T0 + 10, { jobs: boom })).rejects.toThrow('enqueue failed');
    expect(await findLinkById(t.db, second.id)).toMatchObject({ scopeId: base.scopeId });
    await expect(unlinkAccount(t.db, base.accountId, T0 + 10, { jobs: boom })).rejects.toThrow('enqueue failed');
    expect(await findLinkById(t.db, primary.id)).toMatchObject({ scopeId: base.scopeId });

    const jobs = (link: Link) => [sourceSyncJob(link.id, T0 + 10)];
    expect(await unlinkLinkById(t.db, second.id, T0 + 10, { jobs })).toMatchObject({ id: second.id, scopeId: null });
    expect(await unlinkAccount(t.db, base.accountId, T0 + 10, { jobs })).toMatchObject({ id: primary.id });
    expect((await syncs()).sort()).toEqual([primary.id, second.id].sort());
    // Not live any more: nothing is unlinked, nothing queued.
    expect(await unlinkLinkById(t.db, second.id, T0 + 11, { jobs })).toBeUndefined();
    expect(await syncs()).toHaveLength(2);
  });

  it('stores a sync’s state only while the link is as the sync read it; its source id either way', async () => {
    const { added } = await account(1);
    const [link] = added as [Link];
    const basis = { title: link.title, pipelineId: link.pipelineId, scopeId: link.scopeId };
    const source = (sourceId: number) => ({ sourceId, sourceState: 'synced' as const, sourceError: null });
    await setLinkSource(t.db, link.id, source(1), T0 + 10, basis);
    expect(await findLinkById(t.db, link.id)).toMatchObject({ sourceId: 1, sourceState: 'synced' });

    for (const change of [{ title: 'Renamed' }, { pipelineId: 3002 }]) {
      await updateLinkById(t.db, link.id, change, T0 + 11);
      await setLinkSource(t.db, link.id, source(2), T0 + 12, basis);
      expect(await findLinkById(t.db, link.id)).toMatchObject({ sourceId: 2, sourceState: 'pending' });
      const now = (await findLinkById(t.db, link.id)) as Link;
      Object.assign(basis, { title: now.title, pipelineId: now.pipelineId });
      await setLinkSource(t.db, link.id, source(2), T0 + 12, basis);
      expect(await findLinkById(t.db, link.id)).toMatchObject({ sourceState: 'synced' });
    }
    // Unlinked meanwhile: the scope differs.
    await unlinkLinkById(t.db, link.id, T0 + 13);
    await setLinkSource(t.db, link.id, { sourceId: 3, sourceState: 'failed', sourceError: 'x' }, T0 + 14, basis);
    expect(await findLinkById(t.db, link.id)).toMatchObject({ sourceId: 3, sourceState: 'synced', sourceError: null });
  });

  async function failing(linkId: string, webhookUrl: string) {
    await t.db
      .insertInto('deliveryBreakers')
      .values({
        linkId,
        webhookUrl,
        failures: 1,
        failingSince: T0,
        openUntil: null,
        openings: 0,
        probeUntil: null,
        updatedAt: T0,
      })
      .execute();
  }

  async function findLinkByKeyHash(hash: string) {
    return (await t.db.selectFrom('links').select('id').where('bridgeKeyHash', '=', hash).executeTakeFirst())?.id;
  }
});
