import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeHookBody } from '../../../src/sandbox/amojo-emulator/serialize-hook-body';
import { DEFAULT_HOOK_MAX_BODY_BYTES } from '../../../src/server/routes/amojo-webhook-routes';
import { startWebhookHarness } from './amojo-webhook-harness';

const fixtures = new URL('../../fixtures/amojo/', import.meta.url);
/** As amojo sends them: PHP's json_encode escapes `/` and every non-ASCII character (six bytes for one Cyrillic). */
const escapedSize = (body: unknown) => Buffer.byteLength(serializeHookBody(body, true));
const cyrillic = (length: number) => 'Ж'.repeat(length);

/**
 * The largest hook the docs allow: the list message fixture with a 10,000-character text, a quote and a forward of the
 * same length, a template, and the list at its documented maxima (10 sections × 10 rows, header/footer 60, body 1024).
 */
function largestDocumentedHook(accountId: string, time: number): Record<string, unknown> {
  const body = JSON.parse(readFileSync(new URL('hook-message-v2-list-message.json', fixtures), 'utf8'));
  const inner = body.message.message;
  const quoted = { id: 'q-1', type: 'text', text: cyrillic(10_000), timestamp: time, msec_timestamp: time * 1000 };
  inner.text = cyrillic(10_000);
  inner.reply_to = { message: quoted };
  inner.forwards = { messages: [{ ...quoted, id: 'f-1' }], conversation_ref_id: 'conv-ref' };
  inner.template = {
    id: 42,
    external_id: 'tpl',
    content: cyrillic(1024),
    params: [{ key: '{{name}}', value: 'Анна' }],
  };
  inner.markup.list_message = {
    header: cyrillic(60),
    body: cyrillic(1024),
    footer: cyrillic(60),
    button: cyrillic(20),
    sections: Array.from({ length: 10 }, (_, s) => ({
      title: cyrillic(24),
      rows: Array.from({ length: 10 }, (_, r) => ({
        callback_data: `s${s}r${r}`,
        title: cyrillic(24),
        description: cyrillic(72),
      })),
    })),
  };
  return { ...body, account_id: accountId, time };
}

describe('the hook body cap', () => {
  let h: Awaited<ReturnType<typeof startWebhookHarness>>;
  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('is at most 256 KB and over a hundred times the largest documented hook', () => {
    const sizes = readdirSync(fixtures)
      .filter((name) => name.startsWith('hook-'))
      .map((name) => escapedSize(JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'))));
    expect(DEFAULT_HOOK_MAX_BODY_BYTES).toBeLessThanOrEqual(256 * 1024);
    expect(Math.max(...sizes)).toBeLessThan(DEFAULT_HOOK_MAX_BODY_BYTES / 100);
  });

  it('accepts the largest hook the docs allow, escaped as amojo escapes it', async () => {
    const body = serializeHookBody(largestDocumentedHook(h.link.amojoId, Math.floor(h.clock.now / 1000)), true);
    expect(Buffer.byteLength(body)).toBeGreaterThan(200 * 1024);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEFAULT_HOOK_MAX_BODY_BYTES);
    expect((await h.post(body)).status).toBe(200);
  });

  it('refuses one byte over the cap with 413 before looking at the signature', async () => {
    const res = await h.post('x'.repeat(DEFAULT_HOOK_MAX_BODY_BYTES + 1), { signature: 'not-checked' });
    expect([res.status, (await res.json()).error.code]).toEqual([413, 'payload_too_large']);
  });
});
