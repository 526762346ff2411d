import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyResponse } from '../../../src/contracts/amojo';
import { type Harness, inboundText, startHarness } from './harness';

interface HistoryBody {
  messages: { timestamp: number; msec_timestamp: number; message: { client_id: string; text: string } }[];
}

describe('amojo emulator: history', () => {
  let h: Harness;
  let chatId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    // Imported out of order on purpose: history sorts by message time, newest first.
    for (const [msgid, ms] of [
      ['m-2', 2000],
      ['m-1', 1000],
      ['m-3', 3000],
    ] as const) {
      const body = inboundText(msgid, 'conv-h');
      await h.call({
        path: h.paths.message(),
        body: { ...body, payload: { ...body.payload, timestamp: ms / 1000, msec_timestamp: 1_700_000_000_000 + ms } },
      });
    }
    chatId = h.emulator.listChats()[0]!.id;
  });
  afterEach(() => h.close());

  const get = (chat: string, query = '') => h.call({ method: 'GET', path: h.paths.history(chat), query });

  it('answers newest first, in the documented item shape', async () => {
    const result = await get(chatId);
    expect(result.status).toBe(200);
    const body = result.json<HistoryBody>();
    expect(historyResponse.safeParse(body).success).toBe(true);
    expect(body.messages.map((m) => m.message.client_id)).toEqual(['m-3', 'm-2', 'm-1']);
    expect(body.messages[0]).toMatchObject({
      sender: { client_id: 'client-1', name: 'Client One', phone: '+79151112233' },
      message: { type: 'text', text: 'hello', media: '', thumbnail: '', file_name: '', file_size: 0 },
    });
    expect(body.messages[0]).not.toHaveProperty('receiver');
  });

  it('pages with offset and limit', async () => {
    const page = await get(chatId, '?offset=1&limit=1');
    expect(page.json<HistoryBody>().messages.map((m) => m.message.client_id)).toEqual(['m-2']);
    expect((await get(chatId, '?offset=3&limit=10')).status).toBe(204);
  });

  it('refuses a limit above 50 or below 1 with 400 naming limit', async () => {
    for (const limit of ['51', '0', 'x']) {
      const result = await get(chatId, `?limit=${limit}`);
      expect(result.status).toBe(400);
      expect(result.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('limit');
    }
    expect((await get(chatId, '?limit=50')).status).toBe(200);
  });

  it("answers 204 with no body for an unknown chat, an empty chat and another scope's chat", async () => {
    const unknown = await get('6cbab3d5-c4c1-46ff-b710-ad59ad10805f');
    expect(unknown.status).toBe(204);
    expect(unknown.text).toBe('');
    const empty = await h.call({
      path: h.paths.chats(),
      body: { conversation_id: 'empty', user: { id: 'u', name: 'U' } },
    });
    expect((await get(empty.json<{ id: string }>().id)).status).toBe(204);
    const otherScope = await h.connect('52e591f7-c98f-4255-8495-827210138c81');
    const foreign = await h.call({ method: 'GET', path: h.paths.history(chatId, otherScope) });
    expect(foreign.status).toBe(204);
  });

  it('refuses a history call whose Content-MD5 is not the MD5 of the empty body', async () => {
    const result = await h.call({ method: 'GET', path: h.paths.history(chatId), headers: { 'Content-MD5': 'x' } });
    expect(result.status).toBe(403);
  });
});
