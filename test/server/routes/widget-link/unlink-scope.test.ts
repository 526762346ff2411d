import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import type { AmojoClient } from '../../../../src/amojo/create-amojo-client';
import { linkIssuedResponseSchema } from '../../../../src/contracts/link';
import { findLinkById, listAccountLinks } from '../../../../src/store/links-repo';
import { ACCOUNT_A, CHANNEL_ID, expectError, type Harness, startHarness, WEBHOOK_URL } from './harness';

const LINKS = '/api/widget/links';
const SCOPE_A = `${CHANNEL_ID}_${ACCOUNT_A.amojoId}`;

/** What runs while the DELETE waits on amojo's disconnect, before amojo gets it. */
const hooks: { beforeDisconnect: (() => Promise<void>) | undefined } = { beforeDisconnect: undefined };

describe('unlinking a number keeps the shared scope fitting the numbers left', () => {
  let h: Harness;
  afterEach(async () => {
    hooks.beforeDisconnect = undefined;
    await h.close();
  });

  async function start() {
    h = await startHarness({
      channel: true,
      deps: {
        amojoFor: () => {
          const client = h.amojoClient();
          return {
            ...client,
            disconnect: async (...args: Parameters<AmojoClient['disconnect']>) => {
              const hook = hooks.beforeDisconnect;
              hooks.beforeDisconnect = undefined;
              await hook?.();
              return client.disconnect(...args);
            },
          } as AmojoClient;
        },
      },
    });
  }
  const tick = () => {
    h.clock.now = new Date(h.clock.now.getTime() + 1000);
  };
  async function createdId(extra: Record<string, unknown> = {}): Promise<string> {
    tick();
    const result = await h.call('POST', LINKS, {
      body: {
        amojo_id: ACCOUNT_A.amojoId,
        title: 'Sales line',
        webhook_url: WEBHOOK_URL,
        time_window_disabled: false,
        pipeline_id: null,
        ...extra,
      },
    });
    expect(result.status).toBe(201);
    return parse(linkIssuedResponseSchema, result.json).link.id;
  }
  const remove = (id: string) => {
    tick();
    return h.call('DELETE', `${LINKS}/${id}`);
  };
  const connection = () => h.emulator.listConnections().find((c) => c.scopeId === SCOPE_A);

  it('connects the scope again when a number was added while the last one’s disconnect was on its way', async () => {
    await start();
    const last = await createdId({ title: 'Old' });
    let added: string | undefined;
    hooks.beforeDisconnect = async () => {
      added = await createdId({ title: 'New' });
    };
    expect((await remove(last)).status).toBe(200);
    expect(added).toBeDefined();
    expect(await listAccountLinks(h.db, ACCOUNT_A.accountId, { liveOnly: true })).toEqual([
      expect.objectContaining({ id: added, scopeId: SCOPE_A }),
    ]);
    expect(connection()).toMatchObject({ connected: true, title: 'New' });
  });

  it('hands the scope’s title and window to the numbers left when the primary goes', async () => {
    await start();
    const primary = await createdId({ title: 'Main', time_window_disabled: true });
    await createdId({ title: 'Second' });
    expect(connection()).toMatchObject({ title: 'Main', isTimeWindowDisabled: true });
    expect((await remove(primary)).status).toBe(200);
    expect(connection()).toMatchObject({ connected: true, title: 'Second', isTimeWindowDisabled: false });
  });

  it('does not reconnect when the scope’s settings stay as they were', async () => {
    await start();
    await createdId({ title: 'Main' });
    const second = await createdId({ title: 'Second' });
    // Were amojo asked to connect now, this would fail it; the unlink would stand either way.
    h.emulator.misbehave({ status: 500, count: 1 });
    expect((await remove(second)).status).toBe(200);
    expect(await h.jobsOf('amojo.connect_link')).toEqual([]);
    expect(connection()).toMatchObject({ connected: true, title: 'Main' });
  });

  it('keeps the unlink and queues the reconnect when amojo fails it', async () => {
    await start();
    const primary = await createdId({ title: 'Main' });
    const second = await createdId({ title: 'Second' });
    h.emulator.misbehave({ status: 500, count: 1 });
    expect((await remove(primary)).status).toBe(200);
    expect(await findLinkById(h.db, primary)).toMatchObject({ scopeId: null });
    expect((await h.jobsOf('amojo.connect_link')).map((job) => job.payload)).toEqual([
      { kind: 'amojo.connect_link', linkId: second },
    ]);
  });

  it('answers 404 link_not_found for an id no link can have, on every route by id', async () => {
    await start();
    await createdId();
    const body = { title: 'x', webhook_url: WEBHOOK_URL, time_window_disabled: false, pipeline_id: null };
    for (const id of ['a%00b', 'x'.repeat(37), '%C3%A9t%C3%A9']) {
      for (const [method, path] of [
        ['GET', `${LINKS}/${id}`],
        ['PUT', `${LINKS}/${id}`],
        ['DELETE', `${LINKS}/${id}`],
        ['POST', `${LINKS}/${id}/rotate`],
        ['POST', `${LINKS}/${id}/test`],
      ] as const) {
        expectError(await h.call(method, path, method === 'PUT' ? { body } : {}), 404, 'link_not_found');
      }
    }
  });
});
