import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

describe('amojo emulator: edit_message', () => {
  let h: Harness;
  let amojoId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    const sent = await h.call({
      path: h.paths.message(),
      body: inboundText('my_int-5f2836a8ca477', 'my_int-d5a421f7f217'),
    });
    amojoId = sent.json<{ new_message: { msgid: string } }>().new_message.msgid;
  });
  afterEach(() => h.close());

  it('edits by our msgid (the docs example) and answers with both ids', async () => {
    const result = await h.call({ path: h.paths.message(), body: fixture('request-edit-message-text') });
    expect(result.status).toBe(200);
    expect(result.json()).toEqual({
      new_message: {
        conversation_id: 'my_int-d5a421f7f217',
        sender_id: 'client-1',
        receiver_id: null,
        msgid: amojoId,
        ref_id: 'my_int-5f2836a8ca477',
      },
    });
    expect(h.emulator.getMessage(amojoId)?.content.text).toBe('Отредактированная версия сообщения');
    expect(h.emulator.getMessage(amojoId)?.editedAt).toBeTypeOf('number');
  });

  it('edits by amojo id and re-keys the message when a new msgid is given with it', async () => {
    const body = {
      event_type: 'edit_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        id: amojoId,
        msgid: 'renamed',
        message: { type: 'text', text: 'v2' },
      },
    };
    expect((await h.call({ path: h.paths.message(), body })).status).toBe(200);
    expect(h.emulator.findMessageByMsgid(SCOPE_ID, 'renamed')?.id).toBe(amojoId);
    expect(h.emulator.findMessageByMsgid(SCOPE_ID, 'my_int-5f2836a8ca477')).toBeUndefined();
  });

  it('records a delivery status carried by an edit', async () => {
    const body = {
      event_type: 'edit_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        id: amojoId,
        message: { type: 'text', text: 'x', delivery_status: { status_code: -1, error_code: 905, error: 'blocked' } },
      },
    };
    expect((await h.call({ path: h.paths.message(), body })).status).toBe(200);
    expect(h.emulator.getMessage(amojoId)?.deliveryStatus).toMatchObject({
      status: -1,
      errorCode: 905,
      error: 'blocked',
    });
  });

  it('keeps media when an edit of a picture leaves it out', async () => {
    const picture = inboundText('pic', 'my_int-d5a421f7f217');
    const media = { type: 'picture', media: 'https://example.com/p.png', file_name: 'p.png', file_size: 10, text: '' };
    await h.call({ path: h.paths.message(), body: { ...picture, payload: { ...picture.payload, message: media } } });
    const edit = {
      event_type: 'edit_message',
      payload: { timestamp: 1, msec_timestamp: 1000, msgid: 'pic', message: { type: 'picture', text: 'caption' } },
    };
    expect((await h.call({ path: h.paths.message(), body: edit })).status).toBe(200);
    expect(h.emulator.findMessageByMsgid(SCOPE_ID, 'pic')?.content).toMatchObject({
      media: 'https://example.com/p.png',
      file_name: 'p.png',
      text: 'caption',
    });
  });

  it('answers 404 for an edit of an unknown message or one in another conversation', async () => {
    const unknown = fixture<{ payload: { msgid: string; conversation_id: string } }>('request-edit-message-text');
    unknown.payload.msgid = 'never-sent';
    expect((await h.call({ path: h.paths.message(), body: unknown })).status).toBe(404);
    const wrongChat = fixture<{ payload: { conversation_id: string } }>('request-edit-message-text');
    wrongChat.payload.conversation_id = 'other-conversation';
    expect((await h.call({ path: h.paths.message(), body: wrongChat })).status).toBe(404);
  });

  it('refuses an edit naming neither id nor msgid', async () => {
    const body = {
      event_type: 'edit_message',
      payload: { timestamp: 1, msec_timestamp: 1, message: { type: 'text', text: 'x' } },
    };
    const result = await h.call({ path: h.paths.message(), body });
    expect(result.status).toBe(400);
    expect(result.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('payload.id');
  });
});
