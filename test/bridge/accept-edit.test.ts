import { describe, expect, it } from 'vitest';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { bridgeHarnessWithMessage, messageBody, queuedRequests, recordManagerMessage } from './helpers/bridge-harness';

const h = bridgeHarnessWithMessage();

describe('POST /bridge/v1/messages/:id/edit', () => {
  it('queues an edit_message located by our msgid, in the conversation order', async () => {
    const res = await h.post('/bridge/v1/messages/m-1/edit', {
      message: { type: 'text', text: 'Hello, fixed' },
      edited_at: '2026-01-01T00:00:05Z',
    });
    expect([res.status, await res.json()]).toEqual([202, { accepted: true, id: 'm-1', duplicate: false }]);
    const [edit] = await queuedRequests(h, 'amojo.edit_message');
    expect(edit).toEqual({
      event_type: 'edit_message',
      payload: {
        timestamp: Date.parse('2026-01-01T00:00:05Z') / 1000,
        msec_timestamp: Date.parse('2026-01-01T00:00:05Z'),
        msgid: bridgeMsgid(h.a.id, 'm-1'),
        conversation_id: 'conv-1',
        message: { type: 'text', text: 'Hello, fixed' },
      },
    });
    const [message, job] = await h.jobs();
    expect(job?.orderingKey).toBe(message?.orderingKey);
  });

  it('is idempotent per edited_at: a retry is a duplicate, other content a 409, a later edit goes through', async () => {
    const edit = (text: string, at: number) =>
      h.post('/bridge/v1/messages/m-1/edit', { message: { type: 'text', text }, edited_at: at });
    expect(await (await edit('v2', 1_767_000_001_000)).json()).toMatchObject({ duplicate: false });
    expect(await (await edit('v2', 1_767_000_001_000)).json()).toMatchObject({ duplicate: true });
    expect((await edit('other', 1_767_000_001_000)).status).toBe(409);
    expect(await (await edit('v3', 1_767_000_002_000)).json()).toMatchObject({ duplicate: false });
    // Without edited_at the content tells edits apart.
    const bare = (text: string) => h.post('/bridge/v1/messages/m-1/edit', { message: { type: 'text', text } });
    expect(await (await bare('v4')).json()).toMatchObject({ duplicate: false });
    expect(await (await bare('v4')).json()).toMatchObject({ duplicate: true });
    expect((await queuedRequests(h, 'amojo.edit_message')).length).toBe(3);
  });

  it('404 for a message we never accepted, and for a manager message', async () => {
    const res = await h.post('/bridge/v1/messages/nope/edit', { message: { type: 'text', text: 'x' } });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'not_found']);
    await recordManagerMessage(h, { amojoMsgId: 'a-1', messengerId: 'out-1' });
    expect((await h.post('/bridge/v1/messages/out-1/edit', { message: { type: 'text', text: 'x' } })).status).toBe(404);
  });

  it('accepts ids that need URL encoding', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody({ id: 'a b/c' }))).status).toBe(202);
    const res = await h.post(`/bridge/v1/messages/${encodeURIComponent('a b/c')}/edit`, {
      message: { type: 'text', text: 'x' },
    });
    expect(res.status).toBe(202);
    const [edit] = await queuedRequests(h, 'amojo.edit_message');
    expect((edit?.payload as { msgid?: string } | undefined)?.msgid).toBe(bridgeMsgid(h.a.id, 'a b/c'));
  });
});
