import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AmojoWebhook, parseAmojoWebhook } from '../../../src/contracts/amojo';
import { fixtureJson, hookFixtures } from '../../fixtures/amojo';

// biome-ignore lint/suspicious/noExplicitAny: the tests reshape doc fixtures field by field into variants
type Json = Record<string, any>;

const KINDS: AmojoWebhook['kind'][] = ['message', 'comment_reply', 'typing', 'reaction', 'v1', 'invalid'];

function expectKind<K extends AmojoWebhook['kind']>(json: unknown, kind: K): Extract<AmojoWebhook, { kind: K }> {
  const result = parseAmojoWebhook(json);
  expect(result.kind === 'invalid' && kind !== 'invalid' ? result.issues : result.kind).toEqual(kind);
  return result as Extract<AmojoWebhook, { kind: K }>;
}

const messageHook = () => fixtureJson<Json>('hook-message-v2-picture.json');

describe('parseAmojoWebhook: message hook v2', () => {
  it('reads amojo’s message id, our conversation id and the rendered text', () => {
    const { hook } = expectKind(messageHook(), 'message');
    expect(hook.message.message.id).toBe('0371a0ff-b78a-4c7b-8538-a7d547e10692');
    expect(hook.message.conversation.client_id).toBe('my_int-d5a421f7f218');
    expect(hook.message.message.template?.params?.[0]?.key).toBe('{{lead.id}}');
    expect(hook.message.message.markup?.buttons?.[0]?.map((b) => b.text)).toEqual(['Принять заказ', 'Отменить заказ']);
  });

  it('accepts a write-first hook without conversation.client_id and receiver.client_id', () => {
    const json = messageHook();
    delete json.message.conversation.client_id;
    delete json.message.receiver.client_id;
    const { hook } = expectKind(json, 'message');
    expect(hook.message.conversation.client_id).toBeUndefined();
    expect(hook.message.receiver.phone).toBe('79161234567');
  });

  it('tolerates markup: null, empty phone/email/text and file_size as a numeric string', () => {
    const json = messageHook();
    Object.assign(json.message.message, { markup: null, text: '', file_size: '2048' });
    Object.assign(json.message.receiver, { phone: '', email: '' });
    const { hook } = expectKind(json, 'message');
    expect(hook.message.message.markup).toBeUndefined();
    expect(hook.message.message.file_size).toBe(2048);
    expect(hook.message.receiver.email).toBe('');
    json.message.message.file_size = '';
    expect(expectKind(json, 'message').hook.message.message.file_size).toBe(0);
    json.message.message.file_size = '12kb';
    expect(expectKind(json, 'invalid').issues[0]?.path).toBe('message.message.file_size');
  });

  it('keeps unknown fields, at the top and deep inside', () => {
    const json = messageHook();
    json.future = { a: 1 };
    json.message.message.reaction_count = 3;
    const { hook } = expectKind(json, 'message');
    expect((hook as Json).future).toEqual({ a: 1 });
    expect((hook.message.message as Json).reaction_count).toBe(3);
  });

  it('reads reply_to, forwards, media groups and a list message', () => {
    const json = messageHook();
    Object.assign(json.message.message, {
      media_group_id: 'g-1',
      reply_to: { message: { id: 'q-1', msgid: 'ours-1', type: 'text', text: 'quoted', sender: { id: 'c' } } },
      forwards: { messages: [{ id: 'f-1', type: 'picture', file_size: '10' }], conversation_ref_id: 'chat-2' },
    });
    const { hook } = expectKind(json, 'message');
    expect(hook.message.message.reply_to?.message.msgid).toBe('ours-1');
    expect(hook.message.message.forwards?.messages[0]?.file_size).toBe(10);
    const list = expectKind(fixtureJson('hook-message-v2-list-message.json'), 'message');
    expect(list.hook.message.message.markup?.list_message?.sections[0]?.rows[0]?.callback_data).toBe('vG9ujre8N7');
  });

  it('names the missing id a relay cannot do without', () => {
    const json = messageHook();
    delete json.message.message.id;
    expect(expectKind(json, 'invalid').issues).toEqual([{ path: 'message.message.id', message: 'required (string)' }]);
  });
});

describe('parseAmojoWebhook: comment reply', () => {
  it('is told apart by message.message.post and reads a numeric post id as a string', () => {
    const json = fixtureJson<Json>('hook-comment-reply.json');
    expect(expectKind(json, 'comment_reply').hook.message.message.post.id).toBe('1999992');
    json.message.message.post.id = 1999992;
    expect(expectKind(json, 'comment_reply').hook.message.message.post.id).toBe('1999992');
    json.message.message.post = null;
    expectKind(json, 'message');
  });
});

describe('parseAmojoWebhook: typing', () => {
  const typing = () => fixtureJson<Json>('hook-typing.json');

  it('puts the user at action.typing.user whether it came there or at action.user (§3.6 #7)', () => {
    expect(expectKind(typing(), 'typing').hook.action.typing.user.id).toBe('fb0fb604-9e04-4e1d-bee9-37c71924cdc2');
    const json = typing();
    json.action.user = json.action.typing.user;
    delete json.action.typing.user;
    const { hook } = expectKind(json, 'typing');
    expect(hook.action.typing.user.id).toBe('fb0fb604-9e04-4e1d-bee9-37c71924cdc2');
    expect(hook.action.typing.post_id).toBe('203055422');
  });

  it('defaults expired_at to time + 5 s and rejects a hook without any user', () => {
    const json = typing();
    delete json.action.typing.expired_at;
    expect(expectKind(json, 'typing').hook.action.typing.expired_at).toBe(1637087558 + 5);
    delete json.action.typing.user;
    expect(expectKind(json, 'invalid').issues[0]?.path).toBe('action.typing.user.id');
  });
});

describe('parseAmojoWebhook: reaction', () => {
  const reaction = () => fixtureJson<Json>('hook-reaction.json');

  it('puts amojo’s message id at action.reaction.message.id whether sent as msgid or message{} (§3.6 #7)', () => {
    expect(expectKind(reaction(), 'reaction').hook.action.reaction.message.id).toBe(
      'cd05887d-bb16-4e11-b298-40455cc77195',
    );
    const json = reaction();
    delete json.action.reaction.msgid;
    json.action.reaction.message = { id: 'amojo-1', client_id: 'ours-1', timestamp: 1 };
    const { hook } = expectKind(json, 'reaction');
    expect(hook.action.reaction.message).toMatchObject({ id: 'amojo-1', client_id: 'ours-1' });
  });

  it('reads an unreact without emoji and refuses a hook that names no message or an unknown type', () => {
    const json = reaction();
    json.action.reaction.type = 'unreact';
    delete json.action.reaction.emoji;
    expect(expectKind(json, 'reaction').hook.action.reaction.emoji).toBeUndefined();
    delete json.action.reaction.msgid;
    expect(expectKind(json, 'invalid').issues[0]?.path).toBe('action.reaction.message.id');
    expect(
      expectKind({ ...reaction(), action: { reaction: { ...reaction().action.reaction, type: 'like' } } }, 'invalid')
        .issues[0]?.path,
    ).toBe('action.reaction.type');
  });
});

describe('parseAmojoWebhook: everything else', () => {
  it('flags the legacy v1 body as unsupported', () => {
    expect(parseAmojoWebhook(fixtureJson('hook-v1.json'))).toEqual({ kind: 'v1', reason: 'unsupported' });
  });

  it('reports non-hooks as invalid with a named place', () => {
    for (const json of [null, 42, 'text', [], [messageHook()]]) {
      expect(parseAmojoWebhook(json)).toEqual({
        kind: 'invalid',
        issues: [{ path: '', message: 'expected a JSON object' }],
      });
    }
    expect(expectKind({}, 'invalid').issues[0]?.path).toBe('');
    expect(expectKind({ account_id: 'a', action: { call: {} } }, 'invalid').issues).toEqual([
      { path: 'action', message: 'expected action.typing or action.reaction' },
    ]);
  });

  it('never throws and answers only known kinds, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parseAmojoWebhook(json);
        expect(KINDS).toContain(result.kind);
        if (result.kind === 'invalid') expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on hook-shaped values with random parts replaced', () => {
    const shapes = hookFixtures.map((f) => f.json as Json);
    fc.assert(
      fc.property(fc.constantFrom(...shapes), fc.jsonValue(), fc.jsonValue(), (shape, a, b) => {
        const json = { ...shape, message: shape.message ? { ...shape.message, message: a } : a, action: b };
        expect(KINDS).toContain(parseAmojoWebhook(json).kind);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the kind of every doc hook when unknown fields are added at the top', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...hookFixtures),
        fc.dictionary(
          fc.string().map((k) => `x_${k}`),
          fc.jsonValue(),
        ),
        (fixture, extra) => {
          expect(parseAmojoWebhook({ ...(fixture.json as Json), ...extra }).kind).toBe(fixture.kind);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not let a "__proto__" key change how the hook is read', () => {
    const json = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(messageHook()).slice(1)}`);
    const result = expectKind(json, 'message');
    expect(({} as Json).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.hook)).toBe(Object.prototype);
  });

  it('turns pathological depth into invalid instead of a crash', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i += 1) deep = { message: deep };
    expect(KINDS).toContain(parseAmojoWebhook({ account_id: 'a', time: 1, message: deep }).kind);
  });
});
