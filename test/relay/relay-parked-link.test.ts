import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthGrant } from '../../src/amocrm/amocrm-client';
import { installAccount } from '../../src/installation/install-account';
import { uninstallAccount } from '../../src/installation/uninstall-account';
import { findInstallation } from '../../src/store/installations-repo';
import { setLinkParked } from '../../src/store/links-repo';
import { createSecretBox } from '../../src/store/secret-box';
import { createFakeAmocrmClient } from '../helpers/fake-amocrm-client';
import { seedInstallation } from '../helpers/seed-installation';
import { ACCOUNT_AMOJO_ID, waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

const ADMIN = 501;

// The integration removed and installed again: the scope goes away and comes back at amojo, and the messages
// accepted meanwhile wait, parked, instead of dying, then go out once, in order.
describe('relay: a link parked while its account removed the integration', () => {
  let h: RelayHarness;
  beforeEach(async () => {
    h = await startRelayHarness({ deferStart: true });
    await seedInstallation(
      h.db,
      { accountId: h.link.accountId, subdomain: h.link.subdomain, amojoId: ACCOUNT_AMOJO_ID },
      Date.now(),
    );
  });
  afterEach(async () => {
    await h.close();
  });

  const connection = () => h.emulator.listConnections().find((c) => c.accountId === ACCOUNT_AMOJO_ID);
  const messageJobs = async () => (await h.jobs()).filter((job) => job.kind === 'amojo.new_message');
  const settledBeside = async (statuses: string[]) =>
    (await h.jobs()).every((job) => !['pending', 'leased'].includes(job.status) || statuses.includes(job.status));

  function reinstall() {
    const grant: OAuthGrant = {
      exchangeCode: async () => ({
        accessToken: `access-${h.link.accountId}`,
        refreshToken: 'rt',
        accessExpiresAt: Date.now() + 86_400_000,
      }),
      refresh: async () => {
        throw new Error('not used');
      },
    };
    const { client } = createFakeAmocrmClient({
      [h.link.accountId]: {
        subdomain: h.link.subdomain,
        amojoId: ACCOUNT_AMOJO_ID,
        admins: [ADMIN],
        currentUserId: ADMIN,
      },
    });
    return installAccount(
      {
        db: h.db,
        secretBox: createSecretBox(randomBytes(32).toString('base64')),
        grant,
        client,
        baseUrlOf: () => 'http://amocrm.test',
        now: Date.now,
      },
      { host: { subdomain: h.link.subdomain, domain: 'amocrm.ru', region: 'ru' }, code: 'code-1' },
    );
  }

  it('disconnects, keeps the messages parked, and on install reconnects and sends them once, in order', async () => {
    const sent = [];
    for (let i = 0; i < 3; i += 1)
      sent.push(await h.clientMessage({ messengerId: `p${i}`, conversationId: 'conv-p', clientId: 'cl' }));
    const removed = await uninstallAccount(h.db, h.link.accountId, Date.now());
    expect(removed).toMatchObject({ removed: true, parkedLinkId: h.link.id, parkedJobs: 3 });
    h.start();
    await waitFor('the scope disconnected at amojo', () => connection()?.connected === false);
    await waitFor('the disconnect job done', () => settledBeside([]));
    expect((await messageJobs()).map((job) => [job.status, job.attempts])).toEqual([
      ['parked', 0],
      ['parked', 0],
      ['parked', 0],
    ]);
    expect(h.emulator.listChats(h.scopeId)).toHaveLength(0);

    const installed = await reinstall();
    expect(installed.reconnectedLinkId).toBe(h.link.id);
    expect((await findInstallation(h.db, h.link.accountId))?.state).toBe('active');
    h.worker.notify();
    await waitFor('all sent', () => h.settled());
    expect(connection()?.connected).toBe(true);
    const [chat] = h.emulator.listChats(h.scopeId);
    expect(h.emulator.listMessages(chat?.id ?? '').map((m) => m.msgid)).toEqual(sent.map((s) => s.msgid));
  });

  it('puts a job claimed after its link was parked back with the parked ones, its attempt not counted', async () => {
    await h.clientMessage({ messengerId: 'late', conversationId: 'conv-late', clientId: 'cl' });
    // The race uninstallAccount cannot close: a job already pending or leased when the link is parked.
    await setLinkParked(h.db, h.link.accountId, true, Date.now());
    h.start();
    await waitFor('the job parked', async () => (await messageJobs())[0]?.status === 'parked');
    expect((await messageJobs())[0]?.attempts).toBe(0);
    expect(h.emulator.listChats(h.scopeId)).toHaveLength(0);
  });
});
