import { afterEach, describe, expect, it } from 'vitest';
import { type Messenger, startMessenger } from './harness';

const STATUS_PATH = '/bridge/v1/messages/cm-m1';

// One tick when the bridge accepted a client message (202), two once the bridge says amoCRM has it.
describe('demo messenger: ticks of the client’s own messages', () => {
  let m: Messenger;
  afterEach(() => m.close());

  /** A configured messenger whose bridge answers the looks at cm-m1 with `looks`, and one text sent by the client. */
  async function sendOne(delaysMs: number[], ...looks: { status: number; body: unknown }[]) {
    m = await startMessenger({ statusPollDelaysMs: delaysMs, newId: () => 'm1' });
    m.bridge.respond(STATUS_PATH, ...looks);
    await m.configure();
    const conversation = await m.openConversation();
    return m.api('POST', `/api/conversations/${conversation.id}/messages`, { type: 'text', text: 'Hi' });
  }
  const statuses = () => m.messenger.state().conversations[0]?.messages.map((x) => x.status);
  const queued = { status: 200, body: { id: 'cm-m1', status: 'queued' } };

  it('shows sent (one tick) at the 202, then delivered (two) once the bridge reports the message sent', async () => {
    const sent = await sendOne([5, 5, 5], queued, { status: 200, body: { id: 'cm-m1', status: 'sent' } });
    expect(sent.json.message.status).toBe('sent');
    await m.messenger.waitFor((s) => s.conversations[0]?.messages[0]?.status === 'delivered', 2000);
    const looks = m.bridge.callsTo(STATUS_PATH);
    expect(looks.map((c) => [c.method, c.authorization?.startsWith('Bearer ck_')])).toEqual([
      ['GET', true],
      ['GET', true],
    ]);
  });

  it('keeps one tick while amoCRM has not got it, and never claims more', async () => {
    expect((await sendOne([5, 5, 5], queued, queued, queued)).status).toBe(200);
    await expect.poll(() => m.bridge.callsTo(STATUS_PATH).length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses()).toEqual(['sent']);
  });

  it('shows failed when the bridge reports that amoCRM refused the message for good', async () => {
    await sendOne([5], { status: 200, body: { id: 'cm-m1', status: 'failed' } });
    const seen = await m.messenger.waitFor((s) => s.conversations[0]?.messages[0]?.status === 'failed', 2000);
    expect(seen.conversations[0]?.messages[0]?.error).toBe('amocrm_refused');
  });
});
