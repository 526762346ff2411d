import { expect, it } from 'vitest';
import {
  confirmLink,
  findLinkByAccountId,
  findLinkByAmojoId,
  findLinkByKeyHash,
  findLinkByScopeId,
  rotateLinkCredentials,
  unlinkAccount,
  updateLinkSettings,
  upsertLink,
} from '../../src/store/links-repo';
import { linkInput } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('links repo', (t) => {
  it('links an account and finds it by account id, amojo id, scope id and key hash', async () => {
    const input = linkInput({ timeWindowDisabled: true });
    const result = await upsertLink(t.db, input, T0);
    expect(result).toMatchObject({ ok: true, created: true });
    if (!result.ok) return;
    expect(result.link).toMatchObject({
      accountId: input.accountId,
      amojoId: input.amojoId,
      scopeId: input.scopeId,
      subdomain: input.subdomain,
      region: 'ru',
      timeWindowDisabled: true,
      webhookUrl: input.webhookUrl,
      bridgeKeyHash: input.bridgeKeyHash,
      signingSecretEnc: input.signingSecretEnc,
      linkedAt: T0,
      unlinkedAt: null,
    });
    for (const found of [
      await findLinkByAccountId(t.db, input.accountId),
      await findLinkByAmojoId(t.db, input.amojoId),
      await findLinkByScopeId(t.db, input.scopeId ?? ''),
      await findLinkByKeyHash(t.db, input.bridgeKeyHash),
    ]) {
      expect(found).toEqual(result.link);
    }
    expect(await findLinkByScopeId(t.db, 'no-such-scope')).toBeUndefined();
  });

  it('never rebinds an amojo id to another account, nor an account to another amojo id', async () => {
    const first = linkInput();
    await upsertLink(t.db, first, T0);
    const thief = linkInput({ amojoId: first.amojoId });
    expect(await upsertLink(t.db, thief, T0 + 1)).toEqual({ ok: false, reason: 'amojo_id_taken' });
    const moved = linkInput({ accountId: first.accountId });
    expect(await upsertLink(t.db, moved, T0 + 2)).toEqual({ ok: false, reason: 'account_amojo_mismatch' });
    expect((await findLinkByAmojoId(t.db, first.amojoId))?.accountId).toBe(first.accountId);
  });

  it('resolves concurrent links of one amojo id by two accounts to exactly one owner', async () => {
    const shared = linkInput();
    const rival = linkInput({ amojoId: shared.amojoId, scopeId: `${shared.scopeId}-rival` });
    const results = await Promise.all([upsertLink(t.db, shared, T0), upsertLink(t.db, rival, T0)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'amojo_id_taken' }]);
  });

  it('unlinks by purging scope and credentials, and re-links the same row after a reinstall', async () => {
    const input = linkInput();
    const linked = await upsertLink(t.db, input, T0);
    if (!linked.ok) throw new Error('link failed');
    const unlinked = await unlinkAccount(t.db, input.accountId, T0 + 10);
    expect(unlinked).toMatchObject({
      id: linked.link.id,
      scopeId: null,
      webhookUrl: null,
      bridgeKeyHash: null,
      signingSecretEnc: null,
      unlinkedAt: T0 + 10,
      amojoId: input.amojoId,
    });
    expect(await findLinkByScopeId(t.db, input.scopeId ?? '')).toBeUndefined();
    expect(await findLinkByKeyHash(t.db, input.bridgeKeyHash)).toBeUndefined();
    expect(await unlinkAccount(t.db, input.accountId, T0 + 11)).toBeUndefined();

    const again = linkInput({ accountId: input.accountId, amojoId: input.amojoId, scopeId: input.scopeId });
    const relinked = await upsertLink(t.db, again, T0 + 20);
    expect(relinked).toMatchObject({ ok: true, created: false });
    if (!relinked.ok) return;
    expect(relinked.link).toMatchObject({
      id: linked.link.id,
      scopeId: input.scopeId,
      bridgeKeyHash: again.bridgeKeyHash,
      linkedAt: T0 + 20,
      unlinkedAt: null,
      createdAt: T0,
    });
  });

  it('updates settings and rotates credentials only while linked', async () => {
    const input = linkInput();
    await upsertLink(t.db, input, T0);
    const updated = await updateLinkSettings(
      t.db,
      input.accountId,
      { title: 'Renamed', timeWindowDisabled: true },
      T0 + 1,
    );
    expect(updated).toMatchObject({ title: 'Renamed', timeWindowDisabled: true, webhookUrl: input.webhookUrl });
    const rotated = await rotateLinkCredentials(
      t.db,
      input.accountId,
      { bridgeKeyHash: 'f'.repeat(64), signingSecretEnc: 'v1.new' },
      T0 + 2,
    );
    expect(rotated).toMatchObject({ bridgeKeyHash: 'f'.repeat(64), signingSecretEnc: 'v1.new', updatedAt: T0 + 2 });
    expect(await findLinkByKeyHash(t.db, input.bridgeKeyHash)).toBeUndefined();

    await unlinkAccount(t.db, input.accountId, T0 + 3);
    expect(await updateLinkSettings(t.db, input.accountId, { title: 'x' }, T0 + 4)).toBeUndefined();
    expect(
      await rotateLinkCredentials(
        t.db,
        input.accountId,
        { bridgeKeyHash: 'e'.repeat(64), signingSecretEnc: 'v1.x' },
        T0,
      ),
    ).toBeUndefined();
    expect(await updateLinkSettings(t.db, 999, { title: 'x' }, T0)).toBeUndefined();
  });

  it('stores amojo ids in lower case and finds them in any case; another account in another case is refused', async () => {
    const input = linkInput({ amojoId: 'AF9945FF-1490-4CAD-807D-945C15D88BEC' });
    const result = await upsertLink(t.db, input, T0);
    if (!result.ok) throw new Error('expected a link');
    expect(result.link.amojoId).toBe('af9945ff-1490-4cad-807d-945c15d88bec');
    expect((await findLinkByAmojoId(t.db, 'Af9945ff-1490-4cad-807d-945c15D88BEC'))?.id).toBe(result.link.id);
    // The same account may send either case; another account may not take the id in any case.
    expect(await upsertLink(t.db, { ...input, amojoId: input.amojoId.toLowerCase() }, T0 + 1)).toMatchObject({
      ok: true,
      created: false,
    });
    expect(await upsertLink(t.db, linkInput({ amojoId: 'af9945ff-1490-4CAD-807d-945c15d88bec' }), T0 + 2)).toEqual({
      ok: false,
      reason: 'amojo_id_taken',
    });
  });

  it('keeps a pending link out of settings and rotation until it is confirmed, and finds it by scope', async () => {
    const input = linkInput({ pending: true });
    const result = await upsertLink(t.db, input, T0);
    if (!result.ok) throw new Error('expected a link');
    expect(result.link.pending).toBe(true);
    // Hooks for its scope are accepted while amojo's connect is under way.
    expect((await findLinkByScopeId(t.db, input.scopeId ?? ''))?.id).toBe(result.link.id);
    expect(await updateLinkSettings(t.db, input.accountId, { title: 'x' }, T0 + 1)).toBeUndefined();
    expect(
      await rotateLinkCredentials(t.db, input.accountId, { bridgeKeyHash: 'h', signingSecretEnc: 's' }, T0 + 1),
    ).toBeUndefined();

    // Another caller's credentials (a second PUT, or an unlink) win over a stale confirmation.
    const stale = { scopeId: 'scope-from-amojo', bridgeKeyHash: 'not-the-stored-hash' };
    expect(await confirmLink(t.db, result.link.id, stale, T0 + 2)).toBeUndefined();
    const confirmed = await confirmLink(
      t.db,
      result.link.id,
      { scopeId: 'scope-from-amojo', bridgeKeyHash: input.bridgeKeyHash },
      T0 + 3,
    );
    expect(confirmed).toMatchObject({ pending: false, scopeId: 'scope-from-amojo', linkedAt: T0 + 3 });
    expect(await updateLinkSettings(t.db, input.accountId, { title: 'x' }, T0 + 4)).toMatchObject({ title: 'x' });
  });
});
