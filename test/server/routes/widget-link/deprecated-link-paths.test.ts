import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import {
  linkIssuedResponseSchema,
  linkListResponseSchema,
  linkPutResponseSchema,
  linkStatusSchema,
} from '../../../../src/contracts/link';
import { findLinkById, listAccountLinks } from '../../../../src/store/links-repo';
import { ACCOUNT_A, type Harness, startHarness, WEBHOOK_URL } from './harness';

const LINK = '/api/widget/link';
const LINKS = '/api/widget/links';
const SUCCESSOR = '</api/widget/links>; rel="successor-version"';

describe('the deprecated single-link paths', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ channel: true });
  });
  afterEach(() => h.close());

  const tick = () => {
    h.clock.now = new Date(h.clock.now.getTime() + 1000);
  };
  const syncedIds = async () => (await h.jobsOf('amocrm.sync_source')).map((job) => job.payload.linkId);
  async function addNumber(title: string): Promise<string> {
    tick();
    const result = await h.call('POST', LINKS, { body: { ...h.linkBody(), title, pipeline_id: null } });
    expect(result.status).toBe(201);
    return parse(linkIssuedResponseSchema, result.json).link.id;
  }

  it('mark every answer as deprecated with the collection as successor, errors included; the new paths do not', async () => {
    const answers = [
      await h.link(),
      await h.call('GET', LINK),
      await h.call('POST', `${LINK}/rotate`),
      await h.call('GET', LINK, { token: null }),
      await h.call('PATCH', LINK, { body: {} }),
      await h.call('DELETE', LINK),
      await h.call('POST', `${LINK}/test`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([201, 200, 200, 401, 405, 200, 404]);
    for (const answer of answers) {
      expect(answer.headers.get('deprecation')).toBe('true');
      expect(answer.headers.get('link')).toBe(SUCCESSOR);
    }
    const fresh = await h.call('GET', LINKS);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('deprecation')).toBeNull();
    expect(fresh.headers.get('link')).toBeNull();
  });

  it('act on the primary (oldest) number: PUT updates it and queues its source sync, even for an unchanged Save', async () => {
    const linked = await h.link();
    expect(linked.status).toBe(201);
    const [primary] = await listAccountLinks(h.db, ACCOUNT_A.accountId);
    if (!primary) throw new Error('no link');
    const second = await addNumber('Second');
    expect(await syncedIds()).toEqual([primary.id, second]);

    tick();
    const saved = await h.link(ACCOUNT_A, { title: 'Renamed primary' });
    expect(saved.status).toBe(200);
    expect(parse(linkPutResponseSchema, saved.json).status).toMatchObject({ title: 'Renamed primary' });
    expect(await findLinkById(h.db, primary.id)).toMatchObject({ title: 'Renamed primary' });
    expect(await findLinkById(h.db, second)).toMatchObject({ title: 'Second' });
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Renamed primary' });

    tick();
    expect((await h.link(ACCOUNT_A, { title: 'Renamed primary' })).status).toBe(200);
    expect(await syncedIds()).toEqual([primary.id, second, primary.id, primary.id]);
  });

  it('DELETE unlinks the primary number only and keeps the scope for the others; the next one becomes primary', async () => {
    expect((await h.link()).status).toBe(201);
    const [primary] = await listAccountLinks(h.db, ACCOUNT_A.accountId);
    const second = await addNumber('Second');

    tick();
    const removed = await h.call('DELETE', LINK);
    expect(removed.status).toBe(200);
    expect(parse(linkStatusSchema, removed.json.status).state).toBe('unlinked');
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
    expect(await syncedIds()).toEqual([primary?.id, second, primary?.id]);

    const status = parse(linkStatusSchema, (await h.call('GET', LINK)).json);
    expect(status).toMatchObject({ state: 'linked', title: 'Second', webhook_url: WEBHOOK_URL });
    const list = parse(linkListResponseSchema, (await h.call('GET', LINKS)).json);
    expect(list.links.map((link) => link.id)).toEqual([second]);

    tick();
    expect((await h.call('DELETE', LINK)).status).toBe(200);
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
  });

  it('PUT reconnects with the scope’s settings: the window stays off while another number turns it off', async () => {
    expect((await h.link(ACCOUNT_A, { title: 'Primary' })).status).toBe(201);
    tick();
    const result = await h.call('POST', LINKS, {
      body: { ...h.linkBody(), title: 'Night line', time_window_disabled: true, pipeline_id: null },
    });
    expect(result.status).toBe(201);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Primary', isTimeWindowDisabled: true });

    tick();
    expect((await h.link(ACCOUNT_A, { title: 'Primary renamed', time_window_disabled: false })).status).toBe(200);
    expect(h.emulator.listConnections()[0]).toMatchObject({ title: 'Primary renamed', isTimeWindowDisabled: true });
  });
});
