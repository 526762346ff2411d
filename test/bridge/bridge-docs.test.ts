import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { defaultBridgeLimits } from '../../src/bridge/bridge-deps';
import { signBridgeDelivery } from '../../src/bridge/sign-bridge-delivery';
import * as contracts from '../../src/contracts/bridge';
import { DEFAULT_DELIVERY_TIMEOUT_MS } from '../../src/relay/create-relay-worker';
import { findConversation } from '../../src/store/conversations-repo';
import { recordMessage } from '../../src/store/messages-repo';
import { type BridgeHarness, startBridgeHarness } from './helpers/bridge-harness';

const doc = readFileSync(new URL('../../docs/bridge.md', import.meta.url), 'utf8');

/** ```json blocks announced by `<!-- schema: name -->`, with the contract export they must satisfy. */
const schemaExamples = [...doc.matchAll(/<!-- schema: (\w+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({
  name: m[1] ?? '',
  json: m[2] ?? '',
}));

/** curl examples with a JSON body: the path and the body, in document order. */
const curlExamples = [...doc.matchAll(/```sh\n(curl[\s\S]*?)\n```/g)].flatMap((m) => {
  const block = m[1] ?? '';
  const path = /https:\/\/channel\.example\.com(\/bridge\/v1\/\S+)/.exec(block)?.[1];
  const body = /<<'JSON'\n([\s\S]*?)\nJSON/.exec(block)?.[1];
  return path === undefined ? [] : [{ path, body }];
});

describe('docs/bridge.md examples', () => {
  it('has examples to check', () => {
    expect(schemaExamples.length).toBeGreaterThanOrEqual(10);
    expect(curlExamples.map((c) => c.path)).toEqual([
      '/bridge/v1/me',
      '/bridge/v1/messages',
      '/bridge/v1/messages/tg-msg-1001',
      '/bridge/v1/messages/tg-msg-1001/edit',
      '/bridge/v1/typing',
      '/bridge/v1/reactions',
      '/bridge/v1/receipts',
      '/bridge/v1/history-imports',
      '/bridge/v1/history-imports/tg-chat-77.2026-01-31',
      '/bridge/v1/messages',
      '/bridge/v1/conversations/tg-chat-78',
    ]);
  });

  it.each(schemaExamples.map((e, i) => [i, e.name, e] as const))(
    'JSON example %i satisfies %s',
    (_i, name, example) => {
      const schema = (contracts as unknown as Record<string, z.core.$ZodType>)[name];
      expect(schema).toBeDefined();
      const result = z.safeParse(schema as z.core.$ZodType, JSON.parse(example.json));
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );

  describe('curl examples, run in order against the real routes', () => {
    let h: BridgeHarness;
    beforeAll(async () => {
      h = await startBridgeHarness();
    });
    afterAll(async () => {
      await h.close();
    });

    it('are all accepted', async () => {
      for (const { path, body } of curlExamples) {
        if (body === undefined) {
          const res = await h.get(path);
          expect([path, res.status]).toEqual([path, 200]);
          continue;
        }
        const res = await h.post(path, body);
        expect([path, res.status, await res.text()]).toMatchObject([path, 202, expect.any(String)]);
        if (path === '/bridge/v1/messages' && body.includes('"tg-msg-1001"')) {
          // The manager message the later examples react to and acknowledge, as the relay would have stored it.
          const conversation = await findConversation(h.db, h.a.id, 'tg-chat-77');
          await recordMessage(
            h.db,
            {
              linkId: h.a.id,
              conversationRowId: conversation?.id ?? '',
              direction: 'out',
              amojoMsgId: '5f2b7c1e-9a0d-4c41-8f3e-2b1c0d9e8a77',
            },
            h.clock.now,
          );
        }
      }
      expect((await h.jobs()).map((j) => j.kind)).toEqual([
        'amojo.new_message',
        'amojo.edit_message',
        'amojo.typing',
        'amojo.react',
        'amojo.delivery_status',
        'amojo.new_message',
        'amojo.new_message',
        'amojo.new_message',
        'amojo.new_message',
        'amocrm.bind_contact',
        'amojo.new_message',
      ]);
      // The contact example starts its conversation: the binding is queued ahead of its message, for the relay
      // (which this harness does not run).
      const hinted = await findConversation(h.db, h.a.id, 'tg-chat-78');
      expect(hinted).toMatchObject({
        contactHint: '{"phone":"+79261112233","match":"existing"}',
        contactState: 'pending',
      });
    });
  });

  it('states the rate limit and the delivery timeout the code applies', () => {
    const perSecond = defaultBridgeLimits.requestsPerSecond;
    expect(doc).toContain(`may make ${perSecond} requests per second`);
    expect(doc).toContain(`| 429 | \`rate_limited\` | over ${perSecond} requests of this key in one second`);
    expect(doc).toContain(`Answer within **${DEFAULT_DELIVERY_TIMEOUT_MS / 1000} seconds**`);
  });

  it('the Node verifier accepts our signature and refuses stale or forged ones', async () => {
    const code = /<!-- verifier -->\n```js\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(code).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'bridge-doc-')), 'verify.mjs');
    writeFileSync(file, code ?? '');
    const { verifyChannelSignature } = (await import(pathToFileURL(file).href)) as {
      verifyChannelSignature: (b: Buffer, t: string, s: string, secrets: string[], now: number) => boolean;
    };
    const body = Buffer.from('{"id":"evt-1","type":"test","created_at":"x"}');
    const headers = signBridgeDelivery({ secret: 'sec', timestamp: 1_769_860_800, body });
    const ts = headers['X-Channel-Timestamp'] ?? '';
    const sig = headers['X-Channel-Signature'] ?? '';
    expect(verifyChannelSignature(body, ts, sig, ['old', 'sec'], 1_769_860_800 + 300)).toBe(true);
    expect(verifyChannelSignature(body, ts, sig, ['sec'], 1_769_860_800 + 301)).toBe(false);
    expect(verifyChannelSignature(body, ts, sig, ['other'], 1_769_860_800)).toBe(false);
    expect(verifyChannelSignature(Buffer.from(`${body} `), ts, sig, ['sec'], 1_769_860_800)).toBe(false);
    expect(verifyChannelSignature(body, ts, 'sha256=zz', ['sec'], 1_769_860_800)).toBe(false);
  });
});
