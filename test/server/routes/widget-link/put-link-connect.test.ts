import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkPutResponseSchema } from '../../../../src/contracts/link';
import { connectLinkJob } from '../../../../src/jobs/link-connection-jobs';
import { findLinkByAccountId, setLinkParked } from '../../../../src/store/links-repo';
import { enqueue } from '../../../../src/store/outbox-repo';
import { ACCOUNT_A, type Harness, startHarness } from './harness';

// Installs and uninstalls reach the backend (issue 11), so a Save on a live link calls amojo only for what amojo
// holds: the title and the time-window flag. `amojoRegions` records every amojo client the routes asked for, one
// per connect or disconnect.
describe('PUT on a live link: amojo connect only when needed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    expect((await h.link()).status).toBe(201);
    expect(h.amojoRegions).toHaveLength(1);
  });
  afterEach(() => h.close());

  it('makes no amojo call for an unchanged Save, nor for a new webhook URL, and still stores the settings', async () => {
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const unchanged = await h.link();
    expect(unchanged.status).toBe(200);
    expect(parse(linkPutResponseSchema, unchanged.json).created).toBe(false);

    const moved = await h.link(ACCOUNT_A, { webhook_url: 'https://messenger.example.com/v2/hook' });
    expect(moved.status).toBe(200);
    expect(h.amojoRegions).toHaveLength(1);
    expect(await findLinkByAccountId(h.db, ACCOUNT_A.accountId)).toMatchObject({
      webhookUrl: 'https://messenger.example.com/v2/hook',
      updatedAt: h.clock.now.getTime(),
    });
  });

  it('connects when the title changes, and when the time-window flag does', async () => {
    expect((await h.link(ACCOUNT_A, { title: 'Renamed' })).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(2);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Renamed', isTimeWindowDisabled: false });

    expect((await h.link(ACCOUNT_A, { title: 'Renamed', time_window_disabled: true })).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(3);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Renamed', isTimeWindowDisabled: true });
  });

  it('connects a parked link even when nothing changed: the Save may come before the reinstall’s reconnect', async () => {
    // As an uninstall leaves it: the link parked and its scope disconnected at amojo.
    await setLinkParked(h.db, ACCOUNT_A.accountId, true, h.clock.now.getTime());
    await h.amojoClient().disconnect({ account_id: ACCOUNT_A.amojoId });
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);

    expect((await h.link()).status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
  });

  it('connects when the install’s reconnect is still queued or gave up: the scope is not known to be connected', async () => {
    const link = await findLinkByAccountId(h.db, ACCOUNT_A.accountId);
    if (!link) throw new Error('no link');
    // amojo was down when the install queued the reconnect, which ended dead; the scope is disconnected there.
    const { job } = await enqueue(h.db, connectLinkJob(link.id, 1), 1);
    await h.db.updateTable('outbox').set({ status: 'dead' }).where('id', '=', job.id).execute();
    await h.amojoClient().disconnect({ account_id: ACCOUNT_A.amojoId });
    expect((await h.link()).status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
    expect(h.amojoRegions).toHaveLength(2);
    // Once it is done, an unchanged Save is settings only again.
    await h.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', job.id).execute();
    expect((await h.link()).status).toBe(200);
    expect(h.amojoRegions).toHaveLength(2);
  });

  it('connects a pending link (a connect that failed before) with fresh credentials', async () => {
    await h.db.updateTable('links').set({ pending: 1 }).where('accountId', '=', ACCOUNT_A.accountId).execute();
    const again = await h.link();
    expect(again.status).toBe(201);
    expect(h.amojoRegions).toHaveLength(2);
  });
});
