import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  editMessageRequest,
  formatIssues,
  messageEventRequest,
  type NewMessageRequest,
  newMessageRequest,
  newMessageResponse,
} from '../../../src/contracts/amojo';
import { fixtureJson } from '../../fixtures/amojo';

type Body = { event_type: string; payload: Record<string, unknown> };

function issues(schema: z.core.$ZodType, value: unknown) {
  const result = z.safeParse(schema, value);
  return result.success ? [] : formatIssues(result.error, value);
}

const inbound = () => fixtureJson<Body>('request-new-message-text.json');
const withPayload = (patch: Record<string, unknown>): Body => {
  const body = inbound();
  return { ...body, payload: { ...body.payload, ...patch } };
};

describe('newMessageRequest', () => {
  it('names the nested field that is wrong with a full dot path', () => {
    expect(issues(newMessageRequest, withPayload({ message: { type: 'text', text: '' } }))).toEqual([
      { path: 'payload.message.text', message: 'required (non-empty) for type text' },
    ]);
    expect(issues(newMessageRequest, withPayload({ sender: { id: 'c-1' } }))).toEqual([
      { path: 'payload.sender.name', message: 'required (string)' },
    ]);
  });

  it('rejects unknown keys at every level so our client cannot send what amojo does not know', () => {
    expect(issues(newMessageRequest, { ...inbound(), account_id: 'x' })).toEqual([
      { path: 'account_id', message: 'unknown field' },
    ]);
    expect(issues(newMessageRequest, withPayload({ chat_id: 'x' }))).toEqual([
      { path: 'payload.chat_id', message: 'unknown field' },
    ]);
    const body = inbound();
    const sender = { ...(body.payload.sender as object), phone: '+7999' };
    expect(issues(newMessageRequest, withPayload({ sender }))).toEqual([
      { path: 'payload.sender.phone', message: 'unknown field' },
    ]);
  });

  it('rejects null where a field should be left out ("strict typing")', () => {
    expect(issues(newMessageRequest, withPayload({ receiver: null }))).toEqual([
      { path: 'payload.receiver', message: 'expected object, got null' },
    ]);
    expect(issues(newMessageRequest, withPayload({ conversation_ref_id: null }))[0]?.path).toBe(
      'payload.conversation_ref_id',
    );
  });

  it('checks source.external_id: at most 40 printable ASCII characters', () => {
    expect(issues(newMessageRequest, withPayload({ source: { external_id: 'Sales dept #1 ~ 79039876543' } }))).toEqual(
      [],
    );
    expect(issues(newMessageRequest, withPayload({ source: { external_id: 'x'.repeat(41) } }))[0]?.path).toBe(
      'payload.source.external_id',
    );
    expect(issues(newMessageRequest, withPayload({ source: { external_id: 'отдел' } }))[0]?.path).toBe(
      'payload.source.external_id',
    );
    expect(issues(newMessageRequest, withPayload({ source: {} }))[0]?.path).toBe('payload.source.external_id');
  });

  it('takes timestamps as integers: seconds and milliseconds', () => {
    expect(issues(newMessageRequest, withPayload({ timestamp: 1639604761.5 }))[0]?.path).toBe('payload.timestamp');
    expect(issues(newMessageRequest, withPayload({ msec_timestamp: '1639604761694' }))[0]?.path).toBe(
      'payload.msec_timestamp',
    );
  });

  it('accepts a write-first binding reply with conversation_ref_id and sender.ref_id', () => {
    const body = inbound();
    const sender = { ...(body.payload.sender as object), ref_id: '2ed64e26-70a1-4857-8382-bb066a076219' };
    expect(
      issues(newMessageRequest, withPayload({ conversation_ref_id: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc', sender })),
    ).toEqual([]);
  });

  it('accepts reply_to and one forward, and refuses a second forwarded message', () => {
    const quote = { msgid: 'my_int-5f2836a8ca475' };
    expect(issues(newMessageRequest, withPayload({ reply_to: { message: quote } }))).toEqual([]);
    expect(issues(newMessageRequest, withPayload({ forwards: { messages: [quote], conversation_id: 'c-2' } }))).toEqual(
      [],
    );
    expect(issues(newMessageRequest, withPayload({ forwards: { messages: [quote, quote] } }))).toEqual([
      { path: 'payload.forwards.messages', message: 'must have at most 1 item' },
    ]);
    expect(issues(newMessageRequest, withPayload({ forwards: { messages: [] } }))[0]?.path).toBe(
      'payload.forwards.messages',
    );
    expect(issues(newMessageRequest, withPayload({ reply_to: { message: {} } }))[0]?.path).toBe(
      'payload.reply_to.message.type',
    );
  });

  it('types absent optional fields as omitted, never null or undefined', () => {
    const body: NewMessageRequest = {
      event_type: 'new_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        msgid: 'm',
        conversation_id: 'c',
        sender: { id: 's', name: 'S' },
        message: { type: 'text', text: 't' },
      },
    };
    // @ts-expect-error null is not a value a request field can take
    body.payload.receiver = null;
    // @ts-expect-error with exactOptionalPropertyTypes, undefined cannot be assigned either: leave the key out
    body.payload.silent = undefined;
    expect(z.safeParse(newMessageRequest, body).success).toBe(false);
  });
});

describe('editMessageRequest', () => {
  const edit = () => fixtureJson<Body>('request-edit-message-text.json');

  it('needs id (amojo) or msgid (ours)', () => {
    const { msgid: _ours, ...payload } = edit().payload;
    expect(issues(editMessageRequest, { ...edit(), payload })).toEqual([
      { path: 'payload.id', message: 'needs id (amojo message id) or msgid (ours)' },
    ]);
    expect(issues(editMessageRequest, { ...edit(), payload: { ...payload, id: '8f1176d7' } })).toEqual([]);
  });

  it('rejects the fields amojo ignores on edits', () => {
    const payload = { ...edit().payload, sender: { id: 's', name: 'S' }, silent: true };
    expect(issues(editMessageRequest, { ...edit(), payload }).map((i) => i.path)).toEqual([
      'payload.sender',
      'payload.silent',
    ]);
  });
});

describe('messageEventRequest', () => {
  it('dispatches on event_type and names it when it is unknown', () => {
    expect(z.safeParse(messageEventRequest, inbound()).data?.event_type).toBe('new_message');
    expect(issues(messageEventRequest, { ...inbound(), event_type: 'delete_message' })).toEqual([
      { path: 'event_type', message: 'expected one of "new_message", "edit_message"' },
    ]);
  });
});

describe('newMessageResponse', () => {
  it('keeps the id direction: msgid is amojo’s, ref_id is ours', () => {
    const parsed = z.parse(newMessageResponse, fixtureJson('response-new-message-step-by-step.json'));
    expect(parsed.new_message.msgid).toBe('8e6afe4e-a08a-4801-b6cb-37963c1a6f3c');
    expect(parsed.new_message.ref_id).toBe('my_int-5f2836a8ca481');
  });

  it('tolerates receiver_id null or absent and unknown extra fields', () => {
    const base = { conversation_id: 'c', sender_id: 's', msgid: 'a', ref_id: 'o' };
    expect(z.safeParse(newMessageResponse, { new_message: { ...base, receiver_id: null } }).success).toBe(true);
    expect(z.safeParse(newMessageResponse, { new_message: base, extra: 1 }).success).toBe(true);
    expect(z.safeParse(newMessageResponse, { new_message: { ...base, msgid: undefined } }).success).toBe(false);
  });
});
