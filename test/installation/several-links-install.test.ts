import { randomBytes } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import type { OAuthGrant } from '../../src/amocrm/amocrm-client';
import { installAccount } from '../../src/installation/install-account';
import { uninstallAccount } from '../../src/installation/uninstall-account';
import { linkConnectionOrderingKey, sourceOrderingKey } from '../../src/jobs/ordering-keys';
import {
  confirmLink,
  createLink,
  type Link,
  listAccountLinks,
  setLinkSource,
  unlinkLinkById,
} from '../../src/store/links-repo';
import { enqueue, findJobByKey } from '../../src/store/outbox-repo';
import { createSecretBox } from '../../src/store/secret-box';
import { createFakeAmocrmClient } from '../helpers/fake-amocrm-client';
import { seedInstallation } from '../helpers/seed-installation';
import { linkInput, seedLink } from '../store/helpers/seed-link';
import { describeEachDatabase } from '../store/helpers/test-databases';

const T0 = 1_700_000_000_000;
const ADMIN = 501;

// An account that runs three numbers (one of them unlinked) removes the integration and installs it again.
describeEachDatabase('uninstall and install an account with several links', (t) => {
  beforeEach(async () => {
    await t.db.deleteFrom('installations').execute();
  });

  async function seedAccount() {
    const primary = await seedLink(t.db);
    const more: Link[] = [];
    for (const i of [1, 2]) {
      const input = linkInput({
        accountId: primary.accountId,
        subdomain: primary.subdomain,
        amojoId: primary.amojoId,
        scopeId: primary.scopeId,
      });
      const created = await createLink(t.db, { ...input, pipelineId: null }, T0 + i);
      if (!created.ok) throw new Error('refused');
      const link = await confirmLink(
        t.db,
        created.link.id,
        { scopeId: primary.scopeId ?? '', bridgeKeyHash: input.bridgeKeyHash },
        T0 + i,
      );
      if (!link) throw new Error('not confirmed');
      more.push(link);
    }
    const [second, gone] = more as [Link, Link];
    await unlinkLinkById(t.db, gone.id, T0 + 3);
    // Each link has a job waiting, the unlinked one too (a source deletion, say).
    for (const link of [primary, second, gone]) {
      await enqueue(t.db, { idempotencyKey: `job-${link.id}`, kind: 'k', payload: '{}', linkId: link.id }, T0 + 4);
    }
    await seedInstallation(
      t.db,
      { accountId: primary.accountId, subdomain: primary.subdomain, amojoId: primary.amojoId },
      T0,
    );
    return { primary, second, gone };
  }

  function install(link: Link, amojoId: string, now: number) {
    const grant: OAuthGrant = {
      exchangeCode: async () => ({
        accessToken: `access-${link.accountId}`,
        refreshToken: 'rt',
        accessExpiresAt: now + 86_400_000,
      }),
      refresh: async () => {
        throw new Error('not used');
      },
    };
    const { client } = createFakeAmocrmClient({
      [link.accountId]: { subdomain: link.subdomain, amojoId, admins: [ADMIN], currentUserId: ADMIN },
    });
    return installAccount(
      {
        db: t.db,
        secretBox: createSecretBox(randomBytes(32).toString('base64')),
        grant,
        client,
        baseUrlOf: () => 'http://amocrm.test',
        now: () => now,
      },
      { host: { subdomain: link.subdomain, domain: 'amocrm.ru', region: 'ru' }, code: 'code-1' },
    );
  }

  const jobsOf = async (linkId: string) =>
    t.db.selectFrom('outbox').select(['kind', 'status', 'orderingKey']).where('linkId', '=', linkId).execute();
  const jobsKeyed = async (orderingKey: string) =>
    t.db.selectFrom('outbox').select(['kind', 'status']).where('orderingKey', '=', orderingKey).orderBy('id').execute();

  it('parks every link with its jobs and queues a disconnect for each live one', async () => {
    const { primary, second, gone } = await seedAccount();
    const removed = await uninstallAccount(t.db, primary.accountId, T0 + 10);
    expect(removed).toEqual({
      removed: true,
      parkedLinkId: primary.id,
      parkedLinkIds: [primary.id, second.id, gone.id],
      parkedJobs: 3,
    });
    for (const link of await listAccountLinks(t.db, primary.accountId)) expect(link.parkedAt).toBe(T0 + 10);
    for (const link of [primary, second, gone]) {
      expect(await jobsOf(link.id)).toEqual([{ kind: 'k', status: 'parked', orderingKey: null }]);
    }
    expect(await jobsKeyed(linkConnectionOrderingKey(primary.id))).toEqual([
      { kind: 'amojo.disconnect_link', status: 'pending' },
    ]);
    expect(await jobsKeyed(linkConnectionOrderingKey(second.id))).toEqual([
      { kind: 'amojo.disconnect_link', status: 'pending' },
    ]);
    expect(await jobsKeyed(linkConnectionOrderingKey(gone.id))).toEqual([]);
  });

  it('on install unparks every link, reconnects each live one and syncs the sources not yet synced', async () => {
    const { primary, second, gone } = await seedAccount();
    await setLinkSource(t.db, second.id, { sourceId: 70, sourceState: 'synced', sourceError: null }, T0 + 5);
    await uninstallAccount(t.db, primary.accountId, T0 + 10);

    const installed = await install(primary, primary.amojoId, T0 + 20);
    expect(installed).toMatchObject({
      reconnectedLinkId: primary.id,
      reconnectedLinkIds: [primary.id, second.id],
      sourceSyncLinkIds: [primary.id],
    });
    for (const link of await listAccountLinks(t.db, primary.accountId)) expect(link.parkedAt).toBeNull();
    for (const link of [primary, second, gone]) {
      expect(await findJobByKey(t.db, `job-${link.id}`)).toMatchObject({ status: 'pending', availableAt: T0 + 20 });
    }
    for (const link of [primary, second]) {
      expect(await jobsKeyed(linkConnectionOrderingKey(link.id))).toEqual([
        { kind: 'amojo.disconnect_link', status: 'pending' },
        { kind: 'amojo.connect_link', status: 'pending' },
      ]);
    }
    expect(await jobsKeyed(linkConnectionOrderingKey(gone.id))).toEqual([]);
    expect(await jobsKeyed(sourceOrderingKey(primary.id))).toEqual([{ kind: 'amocrm.sync_source', status: 'pending' }]);
    expect(await jobsKeyed(sourceOrderingKey(second.id))).toEqual([]);
    expect(await jobsKeyed(sourceOrderingKey(gone.id))).toEqual([]);
  });

  it('reconnects nothing when the links hold another amojo id than the installation proves', async () => {
    const { primary } = await seedAccount();
    await uninstallAccount(t.db, primary.accountId, T0 + 10);
    const other = '0a1b2c3d-0000-4000-8000-0000000000ee';
    const installed = await install(primary, other, T0 + 20);
    expect(installed).toMatchObject({ reconnectedLinkIds: [], sourceSyncLinkIds: [] });
    expect(installed.reconnectedLinkId).toBeUndefined();
    expect(await jobsKeyed(linkConnectionOrderingKey(primary.id))).toEqual([
      { kind: 'amojo.disconnect_link', status: 'pending' },
    ]);
    // Unparked all the same: the installation is back.
    for (const link of await listAccountLinks(t.db, primary.accountId)) expect(link.parkedAt).toBeNull();
  });
});
