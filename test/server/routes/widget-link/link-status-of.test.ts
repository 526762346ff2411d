import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkPutResponseSchema, linkStatusSchema } from '../../../../src/contracts/link';
import { type Harness, START, startHarness } from './harness';

const LINK = '/api/widget/link';

describe('link status created_at', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const later = (minutes: number) => {
    h.clock.now = new Date(START.getTime() + minutes * 60_000);
    return h.clock.now.toISOString();
  };

  it('is the time of the latest link: a re-link after unlinking does not report the first link time', async () => {
    await h.link();
    later(60);
    await h.call('DELETE', LINK);
    const relinkedAt = later(120);
    const relinked = parse(linkPutResponseSchema, (await h.link()).json);
    expect(relinked.created).toBe(true);
    expect(relinked.status.created_at).toBe(relinkedAt);

    later(180);
    const status = parse(linkStatusSchema, (await h.call('GET', LINK)).json);
    expect(status).toMatchObject({ state: 'linked', created_at: relinkedAt });
  });

  it('stays put when the settings of a live link change', async () => {
    await h.link();
    const updatedAt = later(5);
    const updated = parse(linkPutResponseSchema, (await h.link(undefined, { title: 'Renamed' })).json);
    expect(updated.created).toBe(false);
    expect(updated.status).toMatchObject({ created_at: START.toISOString(), updated_at: updatedAt });
  });
});
