import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { needsRelayCheck } from '../../src/bridge/needs-relay-check';
import { toAmojoMessage } from '../../src/bridge/to-amojo-message';
import { bridgeMessageRequest } from '../../src/contracts/bridge';
import { relayJob } from '../../src/jobs/relay-jobs';
import { messageBody, startBridgeHarness } from './helpers/bridge-harness';

const LINK = '2f3e4d5c-6b7a-4898-a7b6-c5d4e3f2a1b0';
const NOW = 1_767_225_600_000;

const text = fc.oneof(
  fc.constantFrom('Hello', 'Привет', ' padded ', '😀', 'a\tb', 'x'.repeat(300)),
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ minLength: 1, maxLength: 8, unit: 'binary' }),
);
const id = fc.oneof(fc.constantFrom('m-1', 'conv 1', '#x', '42'), fc.string({ minLength: 1, maxLength: 12 }));
const url = fc.oneof(
  fc.constantFrom('https://cdn.example/a.jpg', 'http://x.example/b?c=d#e'),
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
);
const phone = fc.constantFrom('+79161234567', '79161234567', '+7 (916) 123-45-67', '0079161234567', '+683 4002');
const size = fc.integer({ min: 0, max: 2 ** 40 });
const time = fc.oneof(
  fc.integer({ min: 100_000_000_000, max: 9_999_999_999_999 }),
  fc
    .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom('2026-01-31T12:00:00+03:00', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z'),
);
const opt = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[]) =>
  fc.record(shape, { requiredKeys: required });

const content = fc.oneof(
  opt(
    {
      type: fc.constant('text'),
      text,
      callback_data: id,
      shared_post: opt({ url, preview_link: url, preview_permalink: url, site_name: text }, ['url']),
    },
    ['type', 'text'],
  ),
  opt(
    {
      type: fc.constantFrom('picture', 'video', 'file'),
      url,
      file_name: text,
      file_size: size,
      caption: text,
      duration: size,
    },
    ['type', 'url', 'file_name', 'file_size'],
  ),
  opt(
    {
      type: fc.constantFrom('voice', 'audio'),
      url,
      file_name: text,
      file_size: size,
      duration: size,
      caption: text,
    },
    ['type', 'url'],
  ),
  opt({ type: fc.constant('sticker'), url, sticker_id: id }, ['type']),
  fc.record({
    type: fc.constant('location'),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
  }),
  fc.record({ type: fc.constant('contact'), name: text, phone: text }),
);

const request = opt(
  {
    id,
    conversation: opt({ id, phone }, ['id']),
    sender: opt({ id, name: text, avatar: url, phone, email: text, profile_link: url }, ['id', 'name']),
    message: content,
    forward: opt({ sender_name: text, sent_at: time, message: content }, ['sender_name', 'message']),
    post: opt({ id, url, preview_url: url, preview_permalink: url, username: text, caption: text }, ['id', 'url']),
    silent: fc.boolean(),
    sent_at: time,
    source: fc.string({
      minLength: 1,
      maxLength: 40,
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    }),
  },
  ['id', 'conversation', 'sender', 'message'],
);

const jobOf = (body: z.infer<typeof bridgeMessageRequest>) => ({
  kind: 'amojo.new_message' as const,
  linkId: LINK,
  messageRowId: 'row-1',
  request: toAmojoMessage(body, { linkId: LINK, now: NOW }),
});

describe('needsRelayCheck', () => {
  it('leaves out only jobs that meet the relay contract, for any request the bridge contract admits', () => {
    let skipped = 0;
    fc.assert(
      fc.property(request, (candidate) => {
        const parsed = z.safeParse(bridgeMessageRequest, candidate);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const job = jobOf(parsed.data);
        if (needsRelayCheck(job.request)) return;
        skipped += 1;
        const checked = z.safeParse(relayJob, job);
        expect(checked.success ? [] : checked.error.issues).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
    // Most requests skip the check: the property above is about them.
    expect(skipped).toBeGreaterThan(1000);
  });

  it('keeps the check where it can refuse: times before 1970 and messages read back from the store', () => {
    const body = (extra: Record<string, unknown>) => z.parse(bridgeMessageRequest, messageBody(extra));
    const early = jobOf(body({ sent_at: '1969-12-31T23:59:59.999Z' }));
    expect(needsRelayCheck(early.request)).toBe(true);
    expect(z.safeParse(relayJob, early).success).toBe(false);
    const inline = { sender_name: 'Bob', sent_at: '1960-01-01T00:00:00Z', message: { type: 'text', text: 'old' } };
    expect(needsRelayCheck(jobOf(body({ forward: inline })).request)).toBe(true);
    const quoting = toAmojoMessage(body({}), { linkId: LINK, now: NOW, replyTo: { msgid: 'x' } });
    expect(needsRelayCheck(quoting)).toBe(true);
    const forwarding = toAmojoMessage(body({ forward: { id: 'm-0' } }), {
      linkId: LINK,
      now: NOW,
      forward: { ref: { id: 'amojo-1' } },
    });
    expect(needsRelayCheck(forwarding)).toBe(true);
    expect(needsRelayCheck(jobOf(body({ sent_at: NOW })).request)).toBe(false);
  });

  it('still answers 400 naming the amojo field for a message from before 1970, writing nothing', async () => {
    const h = await startBridgeHarness();
    try {
      const res = await h.post('/bridge/v1/messages', messageBody({ sent_at: '1960-01-01T00:00:00Z' }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.issues.map((i) => i.path)).toContain('amojo.request.payload.timestamp');
      expect(await h.jobs()).toEqual([]);
      expect(await h.db.selectFrom('messages').selectAll().execute()).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
