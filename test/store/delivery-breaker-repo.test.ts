import { expect, it } from 'vitest';
import {
  countOpenDeliveryBreakers,
  findDeliveryBreaker,
  findDeliveryBreakerOfAccount,
  holdHeldJob,
  recordDeliveryOutage,
  recordDeliverySuccess,
  releaseHeldDeliveries,
  takeBreakerProbe,
} from '../../src/store/delivery-breaker-repo';
import { unlinkAccount, updateLinkSettings, upsertLink } from '../../src/store/links-repo';
import { DEFAULT_BREAKER_POLICY } from '../../src/store/next-breaker-state';
import { claimDue, enqueue, fail, findJob } from '../../src/store/outbox-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_800_000_000_000;
const policy = DEFAULT_BREAKER_POLICY;
const HELD = 'delivery_breaker_open';

describeEachDatabase('delivery breakers', (t) => {
  async function openBreaker(linkId: string, webhookUrl: string, now = T0) {
    for (let i = 0; i < policy.threshold; i += 1) {
      await recordDeliveryOutage(t.db, { linkId, webhookUrl, probe: false }, now, policy);
    }
    return findDeliveryBreaker(t.db, linkId);
  }

  it('counts a link’s outage failures, opens at the threshold, and reports before and after', async () => {
    const link = await seedLink(t.db);
    const url = link.webhookUrl ?? '';
    const first = await recordDeliveryOutage(t.db, { linkId: link.id, webhookUrl: url, probe: false }, T0, policy);
    expect(first.before).toBeUndefined();
    expect(first.after).toMatchObject({ failures: 1, failingSince: T0, openUntil: null });
    for (let i = 2; i < policy.threshold; i += 1) {
      await recordDeliveryOutage(t.db, { linkId: link.id, webhookUrl: url, probe: false }, T0 + i, policy);
    }
    const last = await recordDeliveryOutage(t.db, { linkId: link.id, webhookUrl: url, probe: false }, T0 + 9, policy);
    expect(last.before).toMatchObject({ failures: 4, openUntil: null });
    expect(last.after).toMatchObject({ failures: 5, openUntil: T0 + 9 + policy.openMs, openings: 1 });
    expect(await findDeliveryBreaker(t.db, link.id)).toEqual({ ...last.after, updatedAt: T0 + 9 });
    expect(await findDeliveryBreakerOfAccount(t.db, link.accountId)).toMatchObject({ linkId: link.id, failures: 5 });
  });

  it('counts failures reported at the same moment by several workers once each', async () => {
    const link = await seedLink(t.db);
    const url = link.webhookUrl ?? '';
    const other = t.openAnother ? (await t.openAnother()).db : t.db;
    // On PostgreSQL two pools really race: the first insert and the row lock must not lose a count.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        recordDeliveryOutage(
          i % 2 === 0 || t.dialect !== 'postgres' ? t.db : other,
          {
            linkId: link.id,
            webhookUrl: url,
            probe: false,
          },
          T0,
          policy,
        ),
      ),
    );
    expect(await findDeliveryBreaker(t.db, link.id)).toMatchObject({ failures: 8, openings: 1 });
  });

  it('hands the probe of an open breaker to one delivery at a time, once its wait is over', async () => {
    const link = await seedLink(t.db);
    const url = link.webhookUrl ?? '';
    const open = await openBreaker(link.id, url);
    const due = open?.openUntil ?? 0;
    const ref = { linkId: link.id, webhookUrl: url };
    expect(await takeBreakerProbe(t.db, ref, due - 1, policy.probeMs)).toBe(false);
    expect(await takeBreakerProbe(t.db, { ...ref, webhookUrl: 'https://other.example/' }, due, policy.probeMs)).toBe(
      false,
    );
    const racing = await Promise.all([1, 2, 3].map(() => takeBreakerProbe(t.db, ref, due, policy.probeMs)));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await takeBreakerProbe(t.db, ref, due + policy.probeMs - 1, policy.probeMs)).toBe(false);
    // A probe that never reported (its worker died) frees the breaker once its time is up.
    expect(await takeBreakerProbe(t.db, ref, due + policy.probeMs, policy.probeMs)).toBe(true);
    // A closed breaker has no probe to take.
    const closed = await seedLink(t.db);
    expect(await takeBreakerProbe(t.db, { linkId: closed.id, webhookUrl: closed.webhookUrl ?? '' }, due, 1)).toBe(
      false,
    );
  });

  it('closes on success for the URL it counted, and keeps a row counted against another URL', async () => {
    const link = await seedLink(t.db);
    const url = link.webhookUrl ?? '';
    await openBreaker(link.id, url);
    expect(await recordDeliverySuccess(t.db, { linkId: link.id, webhookUrl: 'https://new.example/' })).toBeUndefined();
    expect(await findDeliveryBreaker(t.db, link.id)).toBeDefined();
    expect(await recordDeliverySuccess(t.db, { linkId: link.id, webhookUrl: url })).toMatchObject({
      failures: 5,
      openUntil: T0 + policy.openMs,
    });
    expect(await findDeliveryBreaker(t.db, link.id)).toBeUndefined();
  });

  it('counts open breakers of links that still have the URL they were counted against', async () => {
    const [a, b, c, d] = [await seedLink(t.db), await seedLink(t.db), await seedLink(t.db), await seedLink(t.db)];
    await openBreaker(a.id, a.webhookUrl ?? '');
    await openBreaker(b.id, b.webhookUrl ?? '');
    await openBreaker(c.id, 'https://old.example/hook');
    await recordDeliveryOutage(t.db, { linkId: d.id, webhookUrl: d.webhookUrl ?? '', probe: false }, T0, policy);
    expect(await countOpenDeliveryBreakers(t.db)).toBe(2);
  });

  it('holds a claimed job untried until a time, giving its attempt back, and releases the held ones of a link', async () => {
    const link = await seedLink(t.db);
    const other = await seedLink(t.db);
    const add = async (key: string, linkId: string, orderingKey: string) =>
      (await enqueue(t.db, { idempotencyKey: key, kind: 'bridge.deliver', payload: '{}', linkId, orderingKey }, T0))
        .job;
    const a1 = await add('a1', link.id, 'deliver:a:1');
    const a2 = await add('a2', link.id, 'deliver:a:2');
    const a3 = await add('a3', link.id, 'deliver:a:3');
    const o1 = await add('o1', other.id, 'deliver:o:1');
    await openBreaker(link.id, link.webhookUrl ?? '');
    await openBreaker(other.id, other.webhookUrl ?? '');
    const claimed = await claimDue(t.db, { now: T0, limit: 10, leaseMs: 60_000, workerId: 'w1' });
    expect(claimed.map((j) => j.attempts)).toEqual([1, 1, 1, 1]);
    const lease = (id: number) => ({ id, attempts: 1 });
    const until = T0 + 30_000;
    const hold = { workerId: 'w1', until, errorCode: HELD, now: T0 };
    // Fenced like every other outcome: another worker's lease, or a stale attempt count, holds nothing.
    expect(await holdHeldJob(t.db, lease(a1.id), { ...hold, workerId: 'w2' })).toBe(false);
    expect(await holdHeldJob(t.db, { id: a1.id, attempts: 2 }, hold)).toBe(false);
    for (const job of [a1, a2, o1]) expect(await holdHeldJob(t.db, lease(job.id), hold)).toBe(true);
    // a3 failed on its own: a retry, not a hold.
    await fail(t.db, lease(a3.id), { workerId: 'w1', nextAttemptAt: until, errorCode: 'messenger_503', now: T0 });
    expect(await findJob(t.db, a1.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      availableAt: until,
      lastError: HELD,
      leaseOwner: null,
    });
    expect(await claimDue(t.db, { now: until - 1, limit: 10, leaseMs: 60_000, workerId: 'w1' })).toEqual([]);

    expect(await releaseHeldDeliveries(t.db, link.id, HELD, T0 + 5)).toBe(2);
    const after = await Promise.all([a1, a2, a3, o1].map((j) => findJob(t.db, j.id)));
    expect(after.map((j) => j?.availableAt)).toEqual([T0 + 5, T0 + 5, until, until]);
    expect(
      (await claimDue(t.db, { now: T0 + 5, limit: 10, leaseMs: 60_000, workerId: 'w1' })).map((j) => j.id),
    ).toEqual([a1.id, a2.id]);
  });

  async function heldJob(linkId: string, key: string, until: number) {
    const { job } = await enqueue(
      t.db,
      { idempotencyKey: key, kind: 'bridge.deliver', payload: '{}', linkId, orderingKey: `deliver:${key}` },
      T0,
    );
    await claimDue(t.db, { now: T0, limit: 10, leaseMs: 60_000, workerId: 'w1' });
    expect(
      await holdHeldJob(t.db, { id: job.id, attempts: 1 }, { workerId: 'w1', until, errorCode: HELD, now: T0 }),
    ).toBe(true);
    return job;
  }

  it('makes a hold due now when the breaker closed between the decision and the commit', async () => {
    const link = await seedLink(t.db);
    const url = link.webhookUrl ?? '';
    await openBreaker(link.id, url);
    // A probe succeeded and released the held jobs while this one was still leased: nothing holds it any more.
    await recordDeliverySuccess(t.db, { linkId: link.id, webhookUrl: url });
    const job = await heldJob(link.id, 'raced', T0 + 600_000);
    expect(await findJob(t.db, job.id)).toMatchObject({ status: 'pending', attempts: 0, availableAt: T0 });
    // A breaker counted against a URL the link no longer has holds nothing either.
    const moved = await seedLink(t.db);
    await openBreaker(moved.id, 'https://old.example/hook');
    const stale = await heldJob(moved.id, 'moved', T0 + 600_000);
    expect(await findJob(t.db, stale.id)).toMatchObject({ availableAt: T0 });
  });

  it('resets the breaker and releases what it held when the URL changes, on relink and on unlink', async () => {
    const later = T0 + 1000;
    const cases = {
      'same URL': async (link: Awaited<ReturnType<typeof seedLink>>) =>
        updateLinkSettings(t.db, link.accountId, { title: 'x', webhookUrl: link.webhookUrl ?? '' }, later),
      'new URL': async (link: Awaited<ReturnType<typeof seedLink>>) =>
        updateLinkSettings(t.db, link.accountId, { webhookUrl: 'https://new.example/hook' }, later),
      unlink: async (link: Awaited<ReturnType<typeof seedLink>>) => unlinkAccount(t.db, link.accountId, later),
      relink: async (link: Awaited<ReturnType<typeof seedLink>>) =>
        upsertLink(
          t.db,
          {
            accountId: link.accountId,
            subdomain: link.subdomain,
            region: link.region,
            amojoId: link.amojoId,
            scopeId: link.scopeId,
            title: link.title,
            timeWindowDisabled: false,
            webhookUrl: link.webhookUrl ?? '',
            bridgeKeyHash: 'another-hash',
            signingSecretEnc: 'another-secret',
          },
          later,
        ),
    };
    for (const [name, change] of Object.entries(cases)) {
      const link = await seedLink(t.db);
      await openBreaker(link.id, link.webhookUrl ?? '');
      const job = await heldJob(link.id, name, T0 + 600_000);
      expect(await change(link), name).toBeDefined();
      const reset = name !== 'same URL';
      expect(await findDeliveryBreaker(t.db, link.id), name).toEqual(reset ? undefined : expect.anything());
      expect((await findJob(t.db, job.id))?.availableAt, name).toBe(reset ? later : T0 + 600_000);
    }
  });
});
