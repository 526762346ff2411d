import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { formatIssues } from '../../../src/contracts/amojo';
import {
  bridgeEditRequest,
  bridgeHistoryImportRequest,
  bridgeMessageContent,
  bridgeMessageRequest,
  bridgeMessageTypes,
  bridgeReactionRequest,
  bridgeReceiptRequest,
  bridgeTimestampToMillis,
  bridgeTypingRequest,
} from '../../../src/contracts/bridge';
import { phoneNumberMessage } from '../../../src/contracts/phone-number';

function issues(schema: z.core.$ZodType, value: unknown): string[] {
  const result = z.safeParse(schema, value);
  return result.success ? [] : formatIssues(result.error, value).map((i) => `${i.path}: ${i.message}`);
}

const base = { id: 'm-1', conversation: { id: 'c-1' }, sender: { id: 'u-1', name: 'Ann' } };

describe('bridgeMessageContent', () => {
  const valid: Record<string, unknown> = {
    text: { type: 'text', text: 'hi' },
    picture: { type: 'picture', url: 'https://x.example/a.jpg', file_name: 'a.jpg', file_size: 1 },
    video: { type: 'video', url: 'https://x.example/a.mp4', file_name: 'a.mp4', file_size: 1 },
    file: { type: 'file', url: 'http://x.example/a.pdf', file_name: 'a.pdf', file_size: 0 },
    voice: { type: 'voice', url: 'https://x.example/a.ogg' },
    audio: { type: 'audio', url: 'https://x.example/a.mp3', duration: 4 },
    sticker: { type: 'sticker', url: 'https://x.example/s.webp' },
    location: { type: 'location', lat: -90, lon: 180 },
    contact: { type: 'contact', name: 'Bob', phone: '+1 555' },
  };

  it('accepts one example of each of the nine types', () => {
    expect(Object.keys(valid).sort()).toEqual([...bridgeMessageTypes].sort());
    for (const content of Object.values(valid)) expect(issues(bridgeMessageContent, content)).toEqual([]);
  });

  it.each([
    [{ type: 'text', text: '   ' }, 'text: must not be blank'],
    [{ type: 'text' }, 'text: required (string)'],
    [{ type: 'picture', url: 'https://x.example/a.jpg', file_name: 'a.jpg' }, 'file_size: required (number)'],
    [{ type: 'file', url: 'ftp://x.example/a', file_name: 'a', file_size: 1 }, 'url: invalid url'],
    [{ type: 'voice' }, 'url: required (string)'],
    [{ type: 'sticker' }, 'url: a sticker needs url or sticker_id'],
    [{ type: 'location', lat: 91, lon: 0 }, 'lat: must be <= 90'],
    [{ type: 'contact', name: 'Bob' }, 'phone: required (string)'],
    [{ type: 'text', text: 'x', media: 'https://x' }, 'media: unknown field'],
    [
      { type: 'gif' },
      'type: expected one of "text", "picture", "video", "file", "voice", "audio", "sticker", "location", "contact"',
    ],
  ])('rejects %j naming the field', (content, expected) => {
    expect(issues(bridgeMessageContent, content)).toContain(expected);
  });
});

describe('bridgeMessageRequest', () => {
  it('accepts the full shape', () => {
    const full = {
      ...base,
      conversation: { id: 'c-1', phone: '+79161234567' },
      sender: {
        id: 'u-1',
        name: 'Ann',
        avatar: 'https://x.example/a.png',
        phone: '+7 (916) 123-45-67',
        email: 'a@x',
        profile_link: 'https://x.example/ann',
      },
      message: { type: 'text', text: 'hi', callback_data: 'cb-1' },
      reply_to: { id: 'm-0' },
      forward: { sender_name: 'Bob', sent_at: '2026-01-01T00:00:00+03:00', message: { type: 'text', text: 'fwd' } },
      post: { id: 'p-1', url: 'https://x.example/p/1' },
      silent: true,
      sent_at: 1_767_000_000_000,
      source: '78001234567',
    };
    expect(issues(bridgeMessageRequest, full)).toEqual([]);
  });

  it('refuses seconds as sent_at, an ISO date without a zone, and both or neither reference ids', () => {
    expect(
      issues(bridgeMessageRequest, { ...base, message: { type: 'text', text: 'x' }, sent_at: 1_767_000_000 }),
    ).not.toEqual([]);
    expect(
      issues(bridgeMessageRequest, { ...base, message: { type: 'text', text: 'x' }, sent_at: '2026-01-01T00:00:00' }),
    ).not.toEqual([]);
    expect(issues(bridgeMessageRequest, { ...base, message: { type: 'text', text: 'x' }, reply_to: {} })).toEqual([
      'reply_to.id: give exactly one of id or message_id',
    ]);
    expect(
      issues(bridgeMessageRequest, {
        ...base,
        message: { type: 'text', text: 'x' },
        reply_to: { id: 'a', message_id: 'b' },
      }),
    ).toEqual(['reply_to.id: give exactly one of id or message_id']);
  });

  it('bounds ids at 255 characters and refuses numbers as ids', () => {
    expect(
      issues(bridgeMessageRequest, { ...base, id: 'x'.repeat(256), message: { type: 'text', text: 'x' } }),
    ).toEqual(['id: must have at most 255 characters']);
    expect(issues(bridgeMessageRequest, { ...base, id: 5, message: { type: 'text', text: 'x' } })).toEqual([
      'id: expected string, got number',
    ]);
  });

  it('checks sender.phone and conversation.phone in E.164 form, keeping the value as sent', () => {
    const withPhones = (phone: unknown) => ({
      ...base,
      conversation: { id: 'c-1', phone },
      sender: { id: 'u-1', name: 'Ann', phone },
      message: { type: 'text', text: 'x' },
    });
    for (const phone of ['+79161234567', '79161234567', '+1 555 010 9999', '+7 (916) 123-45-67', '+44.20.7946.0958']) {
      const parsed = z.safeParse(bridgeMessageRequest, withPhones(phone));
      expect(parsed.success, phone).toBe(true);
      expect(parsed.data?.sender.phone, phone).toBe(phone);
      expect(parsed.data?.conversation.phone, phone).toBe(phone);
    }
    const refusedBoth = [`conversation.phone: ${phoneNumberMessage}`, `sender.phone: ${phoneNumberMessage}`];
    for (const phone of [
      'abc',
      '+7',
      '+7916',
      '12345',
      '+1234567890123456',
      '+0 555 010 9999',
      '+7 916 abc',
      '',
      ' ',
    ]) {
      expect(issues(bridgeMessageRequest, withPhones(phone)), phone).toEqual(refusedBoth);
    }
    // a NUL is no digit: the phone rule names it, once per field
    expect(issues(bridgeMessageRequest, withPhones('+7916123456\u00007'))).toEqual(refusedBoth);
    expect(issues(bridgeMessageRequest, withPhones(`+${'1'.repeat(64)}`))).toEqual([
      'conversation.phone: must have at most 64 characters',
      'sender.phone: must have at most 64 characters',
    ]);
  });

  it('reads timestamps as milliseconds', () => {
    expect(bridgeTimestampToMillis('2026-01-01T03:00:00+03:00')).toBe(Date.UTC(2026, 0, 1));
    expect(bridgeTimestampToMillis(1_767_000_000_000)).toBe(1_767_000_000_000);
  });
});

describe('edit, typing, reaction and receipt requests', () => {
  it('accept their documented shapes', () => {
    expect(issues(bridgeEditRequest, { message: { type: 'text', text: 'x' }, edited_at: 1_767_000_000_000 })).toEqual(
      [],
    );
    expect(issues(bridgeTypingRequest, { conversation: { id: 'c' }, sender: { id: 'u' }, duration_ms: 5000 })).toEqual(
      [],
    );
    expect(
      issues(bridgeReactionRequest, { sender: { id: 'u' }, message: { message_id: 'a' }, type: 'react', emoji: '👍' }),
    ).toEqual([]);
    expect(
      issues(bridgeReceiptRequest, { message: { message_id: 'a' }, status: 'failed', reason: 'recipient_unreachable' }),
    ).toEqual([]);
  });

  it('reject what would confuse amoCRM', () => {
    expect(
      issues(bridgeTypingRequest, { conversation: { id: 'c' }, sender: { id: 'u' }, duration_ms: 60_000 }),
    ).toEqual(['duration_ms: must be <= 30000']);
    expect(issues(bridgeReactionRequest, { sender: { id: 'u' }, message: { id: 'a' }, type: 'react' })).toEqual([
      'emoji: required for type react',
    ]);
    expect(issues(bridgeReceiptRequest, { message: { id: 'a' }, status: 'seen' })).toHaveLength(1);
  });
});

describe('bridgeHistoryImportRequest', () => {
  const item = (id: string, at: number | string, extra: Record<string, unknown> = {}) => ({
    id,
    direction: 'in',
    sent_at: at,
    message: { type: 'text', text: id },
    ...extra,
  });
  const batch = (messages: unknown[]) => ({
    import_id: 'imp.2026-01_a',
    conversation: { id: 'c' },
    client: { id: 'u', name: 'Ann' },
    final: true,
    messages,
  });

  it('accepts equal timestamps, mixed formats in order, and authored outgoing messages', () => {
    const messages = [
      item('a', '2026-01-01T00:00:00Z'),
      item('b', Date.UTC(2026, 0, 1)),
      item('c', '2026-01-01T03:00:01+03:00', { direction: 'out', author: { amojo_user_id: 'mgr' } }),
    ];
    expect(issues(bridgeHistoryImportRequest, batch(messages))).toEqual([]);
  });

  it('names out-of-order and repeated messages, authors on inbound ones, and the batch bounds', () => {
    expect(
      issues(bridgeHistoryImportRequest, batch([item('a', 1_767_000_000_001), item('b', 1_767_000_000_000)])),
    ).toEqual(['messages.1.sent_at: older than the message before it']);
    expect(
      issues(bridgeHistoryImportRequest, batch([item('a', 1_767_000_000_000), item('a', 1_767_000_000_000)])),
    ).toEqual(['messages.1.id: repeats an earlier id']);
    expect(
      issues(bridgeHistoryImportRequest, batch([item('a', 1_767_000_000_000, { author: { name: 'x' } })])),
    ).toEqual(['messages.0.author: only outgoing messages have an author']);
    const many = Array.from({ length: 101 }, (_, i) => item(`m${i}`, 1_767_000_000_000 + i));
    expect(issues(bridgeHistoryImportRequest, batch(many))).toEqual(['messages: must have at most 100 items']);
    expect(issues(bridgeHistoryImportRequest, { ...batch([item('a', 1_767_000_000_000)]), final: undefined })).toEqual([
      'final: required (boolean)',
    ]);
  });
});

describe('text the database cannot keep', () => {
  const refused = 'must not contain NUL or unpaired surrogate characters';
  const url = 'https://x.example/a';

  /** A copy of `value` with `suffix` appended to the string at `path`. */
  function spoil(value: Record<string, unknown>, path: string, suffix: string): Record<string, unknown> {
    const copy = structuredClone(value);
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let at: Record<string, unknown> = copy;
    for (const key of keys) at = at[key] as Record<string, unknown>;
    expect(typeof at[last], path).toBe('string');
    at[last] = `${at[last] as string}${suffix}`;
    return copy;
  }

  const message = {
    ...base,
    conversation: { id: 'c-1', phone: '+79161234567' },
    sender: { id: 'u-1', name: 'Ann', avatar: url, phone: '79161234567', email: 'a@x', profile_link: url },
    message: {
      type: 'text',
      text: 'hi',
      callback_data: 'cb',
      shared_post: { url, preview_link: url, preview_permalink: url, site_name: 'site' },
    },
    reply_to: { id: 'm-0' },
    forward: { sender_name: 'Bob', message: { type: 'text', text: 'fwd' } },
    post: { id: 'p-1', url, preview_url: url, preview_permalink: url, username: 'ann', caption: 'cap' },
  };
  const history = {
    import_id: 'imp-1',
    conversation: { id: 'c' },
    client: { id: 'u', name: 'Ann' },
    final: true,
    messages: [
      {
        id: 'h-1',
        direction: 'out',
        sent_at: 1_767_000_000_000,
        message: { type: 'text', text: 'old' },
        reply_to: { message_id: 'm-0' },
        author: { amojo_user_id: 'mgr', name: 'Manager' },
      },
    ],
  };
  const cases: [string, z.core.$ZodType, Record<string, unknown>, string[]][] = [
    [
      'message',
      bridgeMessageRequest,
      message,
      [
        'id',
        'conversation.id',
        'sender.id',
        'sender.name',
        'sender.avatar',
        'sender.email',
        'sender.profile_link',
        'message.text',
        'message.callback_data',
        'message.shared_post.url',
        'message.shared_post.preview_link',
        'message.shared_post.preview_permalink',
        'message.shared_post.site_name',
        'reply_to.id',
        'forward.sender_name',
        'forward.message.text',
        'post.id',
        'post.url',
        'post.preview_url',
        'post.preview_permalink',
        'post.username',
        'post.caption',
      ],
    ],
    [
      'file',
      bridgeMessageContent,
      { type: 'file', url, file_name: 'a.pdf', file_size: 1, caption: 'cap' },
      ['url', 'file_name', 'caption'],
    ],
    [
      'voice',
      bridgeMessageContent,
      { type: 'voice', url, file_name: 'a.ogg', caption: 'cap' },
      ['url', 'file_name', 'caption'],
    ],
    ['sticker', bridgeMessageContent, { type: 'sticker', url, sticker_id: 's-1' }, ['url', 'sticker_id']],
    ['contact', bridgeMessageContent, { type: 'contact', name: 'Bob', phone: '+1' }, ['name', 'phone']],
    ['edit', bridgeEditRequest, { message: { type: 'text', text: 'x' } }, ['message.text']],
    [
      'typing',
      bridgeTypingRequest,
      { conversation: { id: 'c' }, sender: { id: 'u' } },
      ['conversation.id', 'sender.id'],
    ],
    [
      'reaction',
      bridgeReactionRequest,
      { id: 'r-1', sender: { id: 'u' }, message: { id: 'm' }, type: 'react', emoji: '👍' },
      ['id', 'sender.id', 'message.id', 'emoji'],
    ],
    [
      'receipt',
      bridgeReceiptRequest,
      { message: { message_id: 'm' }, status: 'failed', reason: 'other', text: 'gone' },
      ['message.message_id', 'text'],
    ],
    [
      'history import',
      bridgeHistoryImportRequest,
      history,
      [
        'conversation.id',
        'client.id',
        'client.name',
        'messages.0.id',
        'messages.0.message.text',
        'messages.0.reply_to.message_id',
        'messages.0.author.amojo_user_id',
        'messages.0.author.name',
      ],
    ],
  ];

  it.each(cases)('%s: the valid base passes', (_, schema, value) => {
    expect(issues(schema, value)).toEqual([]);
  });

  it.each(cases)('%s: NUL or a lone surrogate in any string is a 400 naming that field', (_, schema, value, paths) => {
    for (const path of paths) {
      for (const suffix of ['\u0000', 'x\u0000y', '\ud800', '\udc00', '\ude00\ud83d']) {
        expect(issues(schema, spoil(value, path, suffix)), `${path} + ${JSON.stringify(suffix)}`).toEqual([
          `${path}: ${refused}`,
        ]);
      }
    }
  });

  it('keeps "\\ud800" and "\\udc00" from becoming one id (SQLite would store both as U+FFFD)', () => {
    for (const id of ['\ud800', '\udc00']) {
      expect(issues(bridgeMessageRequest, { ...base, id, message: { type: 'text', text: 'x' } })).toEqual([
        `id: ${refused}`,
      ]);
    }
  });
});
