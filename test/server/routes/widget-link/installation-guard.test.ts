import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkErrorBodySchema, linkPutResponseSchema, linkStatusSchema } from '../../../../src/contracts/link';
import { installOrderingKey } from '../../../../src/jobs/ordering-keys';
import { verifyApiKey } from '../../../../src/store/api-key-hash';
import { findInstallation, markNeedsReauthorization, markRemoved } from '../../../../src/store/installations-repo';
import { findLinkByAccountId, findLinkByAmojoId, setLinkParked, upsertLink } from '../../../../src/store/links-repo';
import { enqueue } from '../../../../src/store/outbox-repo';
import { releaseAmojoBinding } from '../../../../src/store/release-amojo-binding';
import { seedInstallation } from '../../../helpers/seed-installation';
import { linkInput } from '../../../store/helpers/seed-link';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  ADMIN_USER_ID,
  grantUrlOf,
  type Harness,
  MANAGER_USER_ID,
  startHarness,
  WEBHOOK_URL,
} from './harness';

const LINK = '/api/widget/link';
const HOUR = 60 * 60_000;
const NEW_AMOJO_ID = '0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9';

/** Every call that changes the link, as the widget makes it. */
const CHANGES = [
  ['PUT', LINK],
  ['DELETE', LINK],
  ['POST', `${LINK}/rotate`],
  ['POST', `${LINK}/test`],
] as const;

function expectError(result: { status: number; json: unknown }, status: number, code: string) {
  expect(result.status).toBe(status);
  expect(parse(linkErrorBodySchema, result.json).error.code).toBe(code);
}

describe('widget link API: the installation decides', () => {
  let h: Harness;
  afterEach(() => h.close());

  const change = (method: string, path: string, options: { userId?: number } = {}) =>
    h.call(method, path, { ...options, ...(method === 'PUT' ? { body: h.linkBody() } : {}) });
  const later = (ms: number) => {
    h.clock.now = new Date(h.clock.now.getTime() + ms);
  };

  it('refuses an amojo id amoCRM does not report for the account: nothing bound, amojo never called', async () => {
    h = await startHarness();
    // B claims A's amojo id first; before installations were checked, this bound it to B for good.
    const claim = await h.link(ACCOUNT_B, { amojo_id: ACCOUNT_A.amojoId });
    expectError(claim, 403, 'amojo_id_mismatch');
    expect(await findLinkByAmojoId(h.db, ACCOUNT_A.amojoId)).toBeUndefined();
    expect(await findLinkByAccountId(h.db, ACCOUNT_B.accountId)).toBeUndefined();
    expect(h.amojoRegions).toEqual([]);
    expect(h.emulator.listConnections()).toEqual([]);

    // A, whose amojo id it is, links as if nothing happened.
    const own = await h.link(ACCOUNT_A);
    expect(own.status).toBe(201);
    expect(h.emulator.listConnections().map((c) => [c.accountId, c.connected])).toEqual([[ACCOUNT_A.amojoId, true]]);
    expect((await findLinkByAmojoId(h.db, ACCOUNT_A.amojoId))?.accountId).toBe(ACCOUNT_A.accountId);
  });

  it('frees a stale claim made before installations were checked, after which both accounts link their own id', async () => {
    h = await startHarness();
    // B bound A's amojo id the old way (the body was believed), and holds a link with it.
    await upsertLink(
      h.db,
      { ...linkInput({ accountId: ACCOUNT_B.accountId, subdomain: ACCOUNT_B.subdomain }), amojoId: ACCOUNT_A.amojoId },
      1,
    );
    expectError(await h.link(ACCOUNT_A), 409, 'amojo_id_taken');
    expect(await releaseAmojoBinding(h.db, ACCOUNT_A.amojoId, h.clock.now.getTime())).toMatchObject({ ok: true });
    expect((await h.link(ACCOUNT_A)).status).toBe(201);
    // B's own binding was rewritten as released: its own amojo id, which amoCRM reports for it, now binds.
    expect((await h.link(ACCOUNT_B)).status).toBe(201);
    expect((await findLinkByAmojoId(h.db, ACCOUNT_B.amojoId))?.accountId).toBe(ACCOUNT_B.accountId);
  });

  it('lets only admins change the link; a manager may look, without the webhook URL', async () => {
    h = await startHarness();
    const linked = parse(linkPutResponseSchema, (await h.link()).json);
    if (!linked.created) throw new Error('expected a new link');
    const before = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);

    for (const [method, path] of CHANGES) {
      expectError(await change(method, path, { userId: MANAGER_USER_ID }), 403, 'admin_required');
    }
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toEqual(before);
    expect(verifyApiKey(linked.credentials.api_key, before?.bridgeKeyHash ?? '')).toBe(true);
    expect(h.emulator.listConnections().map((c) => c.connected)).toEqual([true]);

    const seen = await h.call('GET', LINK, { userId: MANAGER_USER_ID });
    expect(seen.status).toBe(200);
    const status = parse(linkStatusSchema, seen.json);
    expect(status).toMatchObject({
      state: 'linked',
      viewer: { user_id: MANAGER_USER_ID, is_admin: false },
      installation: { state: 'active' },
      connected: true,
    });
    expect('webhook_url' in status).toBe(false);
    expect(JSON.stringify(seen.json)).not.toContain('messenger.example.com');

    const admin = parse(linkStatusSchema, (await h.call('GET', LINK)).json);
    expect(admin).toMatchObject({ viewer: { user_id: ADMIN_USER_ID, is_admin: true }, webhook_url: WEBHOOK_URL });
  });

  it('refuses a user amoCRM does not know in the account as no admin', async () => {
    h = await startHarness();
    expectError(await change('PUT', LINK, { userId: 555 }), 403, 'admin_required');
    expect(h.amojoRegions).toEqual([]);
  });

  describe.each(['removed', 'needs_reauthorization'] as const)('an installation %s', (state) => {
    it('answers 409 account_not_installed with the grant URL to every change, changes nothing, and GET says so', async () => {
      h = await startHarness();
      await h.link();
      const installation = await findInstallation(h.db, ACCOUNT_A.accountId);
      // As the disconnect hook leaves it: removed, and the link parked (uninstall-account.ts).
      if (state === 'removed') {
        await markRemoved(h.db, ACCOUNT_A.accountId, h.clock.now.getTime());
        await setLinkParked(h.db, ACCOUNT_A.accountId, true, h.clock.now.getTime());
      } else
        await markNeedsReauthorization(
          h.db,
          ACCOUNT_A.accountId,
          installation?.tokenVersion ?? 0,
          h.clock.now.getTime(),
        );
      const before = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
      const amoCalls = h.amocrm.calls.length;
      const amojoCalls = h.amojoRegions.length;

      for (const [method, path] of CHANGES) {
        const result = await change(method, path);
        expectError(result, 409, 'account_not_installed');
        expect(result.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));
      }
      expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toEqual(before);
      // Refused before amoCRM was asked about the user and before amojo.
      expect(h.amocrm.calls.length).toBe(amoCalls);
      expect(h.amojoRegions.length).toBe(amojoCalls);

      const status = parse(linkStatusSchema, (await h.call('GET', LINK)).json);
      expect(status).toMatchObject({
        state: 'linked',
        installation: { state, grant_url: grantUrlOf(ACCOUNT_A.accountId) },
        viewer: { user_id: ADMIN_USER_ID, is_admin: false },
        // A lapsed grant stops changes, not messages: the scope stays connected until a removal parks it.
        connected: state === 'needs_reauthorization',
      });
    });
  });

  it('waits on GET for an install of the account still being exchanged, then shows it installed', async () => {
    h = await startHarness({ installed: [ACCOUNT_B] });
    const key = installOrderingKey(`${ACCOUNT_A.subdomain}.amocrm.ru`);
    const { job } = await enqueue(
      h.db,
      { idempotencyKey: 'install-a', kind: 'amocrm.install', payload: '{}', orderingKey: key },
      1,
    );
    // The worker finishes the exchange a moment after the panel asked.
    const finish = new Promise<void>((resolve) => {
      setTimeout(async () => {
        await seedInstallation(h.db, ACCOUNT_A, h.clock.now.getTime());
        await h.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', job.id).execute();
        resolve();
      }, 150);
    });
    const status = parse(linkStatusSchema, (await h.call('GET', LINK)).json);
    await finish;
    expect(status.installation).toEqual({ state: 'active' });
  });

  it('answers account_not_installed to every change of an account that never installed; GET says missing', async () => {
    h = await startHarness({ installed: [ACCOUNT_B] });
    for (const [method, path] of CHANGES) {
      const result = await change(method, path);
      expectError(result, 409, 'account_not_installed');
      expect(result.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));
    }
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toBeUndefined();
    expect(h.amocrm.calls).toEqual([]);
    expect(h.amojoRegions).toEqual([]);
    expect((await h.call('GET', LINK)).json).toEqual({
      state: 'unlinked',
      account: { id: ACCOUNT_A.accountId, subdomain: ACCOUNT_A.subdomain },
      installation: { state: 'missing', grant_url: grantUrlOf(ACCOUNT_A.accountId) },
      viewer: { user_id: ADMIN_USER_ID, is_admin: false },
    });
  });

  it('turns a grant amoCRM refuses into account_not_installed, and GET into needs_reauthorization', async () => {
    h = await startHarness();
    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'grant_refused' });
    const result = await h.link();
    expectError(result, 409, 'account_not_installed');
    expect(result.json.error.grant_url).toBe(grantUrlOf(ACCOUNT_A.accountId));
    expect(h.amojoRegions).toEqual([]);
    expect(parse(linkStatusSchema, (await h.call('GET', LINK)).json)).toMatchObject({
      installation: { state: 'needs_reauthorization', grant_url: grantUrlOf(ACCOUNT_A.accountId) },
      viewer: { is_admin: false },
    });
  });

  it('answers 503 channel_unavailable with Retry-After while amoCRM cannot say who is an admin', async () => {
    h = await startHarness();
    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'rate_limited', retryAfterMs: 7_500, times: 1 });
    const result = await h.link();
    expectError(result, 503, 'channel_unavailable');
    expect(result.headers.get('retry-after')).toBe('8');
    expect(h.amojoRegions).toEqual([]);
    expect((await h.link()).status).toBe(201);
  });

  it('keeps GET open while amoCRM cannot say who is an admin, showing no admin rights', async () => {
    h = await startHarness();
    h.amocrm.fail(ACCOUNT_A.accountId, { code: 'upstream_error', times: 1 });
    const result = await h.call('GET', LINK);
    expect(result.status).toBe(200);
    expect(parse(linkStatusSchema, result.json)).toMatchObject({ viewer: { is_admin: false } });
  });

  it('reads the amojo id from amoCRM again once it is older than an hour, and enforces the new one', async () => {
    h = await startHarness();
    // amoCRM now reports another amojo id for A; the installation still holds the one proven at install.
    h.amocrm.setAccount(ACCOUNT_A.accountId, { amojoId: NEW_AMOJO_ID });
    expectError(await h.link(ACCOUNT_A, { amojo_id: NEW_AMOJO_ID }), 403, 'amojo_id_mismatch');
    expect(h.amocrm.callsOf('account')).toEqual([]);

    later(HOUR);
    expectError(await h.link(ACCOUNT_A), 403, 'amojo_id_mismatch');
    expect(h.amocrm.callsOf('account')).toEqual([{ method: 'account', accountId: ACCOUNT_A.accountId }]);
    expect(await findInstallation(h.db, ACCOUNT_A.accountId)).toMatchObject({
      amojoId: NEW_AMOJO_ID,
      amojoCheckedAt: h.clock.now.getTime(),
    });
    expect(h.emulator.listConnections()).toEqual([]);

    const relinked = await h.link(ACCOUNT_A, { amojo_id: NEW_AMOJO_ID.toUpperCase() });
    expect(relinked.status).toBe(201);
    expect(h.emulator.listConnections().map((c) => c.accountId)).toEqual([NEW_AMOJO_ID]);
    // Proven a moment ago: not asked again.
    expect(h.amocrm.callsOf('account')).toHaveLength(1);
  });

  it('asks amoCRM whether the user is an admin once a minute, so a demotion counts after that', async () => {
    h = await startHarness();
    expect((await h.link()).status).toBe(201);
    expect((await h.call('POST', `${LINK}/rotate`)).status).toBe(200);
    expect((await h.call('GET', LINK)).json.viewer.is_admin).toBe(true);
    expect(h.amocrm.callsOf('user')).toHaveLength(1);

    h.amocrm.setAccount(ACCOUNT_A.accountId, { admins: [], managers: [ADMIN_USER_ID, MANAGER_USER_ID] });
    later(59_999);
    expect((await h.call('POST', `${LINK}/rotate`)).status).toBe(200);
    expect(h.amocrm.callsOf('user')).toHaveLength(1);

    later(1);
    expectError(await h.call('POST', `${LINK}/rotate`), 403, 'admin_required');
    expect(h.amocrm.callsOf('user')).toHaveLength(2);
    // Each user of each account has an answer of their own.
    expect((await h.call('GET', LINK, { account: ACCOUNT_B })).json.viewer.is_admin).toBe(true);
    expect(h.amocrm.callsOf('user')).toHaveLength(3);
  });

  it('shows a parked link as linked but not connected, and connected again once unparked', async () => {
    h = await startHarness();
    await h.link();
    const connected = async () => parse(linkStatusSchema, (await h.call('GET', LINK)).json);
    expect(await connected()).toMatchObject({ state: 'linked', connected: true });

    await setLinkParked(h.db, ACCOUNT_A.accountId, true, h.clock.now.getTime());
    expect(await connected()).toMatchObject({ state: 'linked', installation: { state: 'active' }, connected: false });

    await setLinkParked(h.db, ACCOUNT_A.accountId, false, h.clock.now.getTime());
    expect(await connected()).toMatchObject({ state: 'linked', connected: true });
  });
});
