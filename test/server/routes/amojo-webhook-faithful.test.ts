import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import { AppError } from '../../../src/http/app-error';
import { acceptAmojoHook } from '../../../src/server/routes/amojo-webhook/accept-amojo-hook';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { DEFAULT_HOOK_TIME_WINDOW } from '../../../src/server/routes/amojo-webhook/hook-time-issue';
import { createGroupCommit } from '../../../src/store/group-commit';
import type { Link } from '../../../src/store/links-repo';
import { writeIngressBatch } from '../../../src/store/write-ingress-batch';
import { seedLink } from '../../store/helpers/seed-link';
import { describeEachDatabase } from '../../store/helpers/test-databases';
import { startWebhookHarness } from './amojo-webhook-harness';

const CHANNEL_ID = '11111111-2222-4333-8444-555555555555';
const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const NOW = 1_700_000_000_000;

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/amojo/${name}.json`, import.meta.url), 'utf8'));
}

/** Sets the value at a dot path (creating nothing: the fixtures have every path used here). */
function setAt(body: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = body as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = value;
}

// Every id of a hook that becomes a key or a stored row, each with a lone surrogate in it (valid JSON: "\ud800").
const LONE = 'm\ud800';
const POISONED: [fixture: string, path: string][] = [
  ['hook-message-v2-text-with-source', 'message.message.id'],
  ['hook-message-v2-text-with-source', 'message.conversation.id'],
  ['hook-message-v2-text-with-source', 'message.conversation.client_id'],
  ['hook-message-v2-text-with-source', 'message.receiver.id'],
  ['hook-message-v2-text-with-source', 'message.receiver.client_id'],
  ['hook-typing', 'action.typing.user.id'],
  ['hook-typing', 'action.typing.conversation.id'],
  ['hook-reaction', 'action.reaction.user.id'],
  ['hook-reaction', 'action.reaction.msgid'],
  ['hook-reaction', 'action.reaction.emoji'],
  ['hook-reaction', 'action.reaction.conversation.id'],
];

describeEachDatabase('webhook: nothing answered 200 is dropped', (t) => {
  let link: Link;
  beforeEach(async () => {
    link = await seedLink(t.db);
  });

  function deps() {
    const commit = createGroupCommit(
      t.db,
      writeIngressBatch(() => NOW),
    );
    return {
      channelId: CHANNEL_ID,
      secrets: [SECRET],
      lookupScope: createScopeLookup(t.db),
      persist: commit.append.bind(commit),
      now: () => NOW,
      timeWindow: DEFAULT_HOOK_TIME_WINDOW,
    };
  }

  function body(name: string, patch: (b: Json) => void = () => {}): Uint8Array {
    const b = fixture(name);
    b.account_id = link.amojoId;
    b.time = Math.floor(NOW / 1000);
    patch(b);
    return Buffer.from(JSON.stringify(b), 'utf8');
  }

  const accept = (bytes: Uint8Array) =>
    acceptAmojoHook(deps(), { scopeId: link.scopeId ?? '', body: bytes, signature: signWebhook(bytes, SECRET) });

  const refusal = async (bytes: Uint8Array) => {
    try {
      await accept(bytes);
    } catch (error) {
      if (error instanceof AppError) return { status: error.status, code: error.code, issues: error.issues };
      throw error;
    }
    return undefined;
  };

  it.each(POISONED)('refuses %s with a lone surrogate at %s, naming the field', async (name, path) => {
    const bytes = body(name, (b) => setAt(b, path, LONE));
    expect(Buffer.from(bytes).toString('latin1')).toContain('\\ud800');
    const refused = await refusal(bytes);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(refused?.issues?.map((i) => i.path)).toContain(path);
    expect(await t.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
  });

  it('fails a batch row whose key the database would change, rather than calling it a duplicate', async () => {
    const event = (dedupeKey: string) => ({
      dedupeKey,
      linkId: link.id,
      kind: 'message',
      payload: '{}',
      receivedAt: NOW,
    });
    const job = { idempotencyKey: 'bridge.deliver:x', kind: 'bridge.deliver', payload: '{}' };
    const write = writeIngressBatch(() => NOW);
    await expect(t.db.transaction().execute((trx) => write(trx, [{ event: event('m:\ud800'), job }]))).rejects.toThrow(
      /cannot be stored/,
    );
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('refuses an id with NUL in it instead of failing the write', async () => {
    const refused = await refusal(
      body('hook-message-v2-text-with-source', (b) => setAt(b, 'message.message.id', 'a\u0000')),
    );
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses a body that is not valid UTF-8 rather than merging two ids into one', async () => {
    const withBadByte = (byte: number) => {
      const text = body('hook-message-v2-text-with-source', (b) => setAt(b, 'message.message.id', 'id-#'));
      const bytes = Buffer.from(text);
      bytes[bytes.indexOf('id-#') + 3] = byte;
      return bytes;
    };
    for (const byte of [0xff, 0xfe]) {
      const refused = await refusal(withBadByte(byte));
      expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    }
    expect(await t.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
  });

  it('gives different typing and reaction ids different dedupe keys, even with ":" in them', async () => {
    const typing = (user: string, chat: string) =>
      body('hook-typing', (b) => {
        setAt(b, 'action.typing.user.id', user);
        setAt(b, 'action.typing.conversation.id', chat);
      });
    expect(await accept(typing('b', 'a:x'))).toMatchObject({ result: 'new' });
    expect(await accept(typing('x:b', 'a'))).toMatchObject({ result: 'new' });
    const reaction = (msgid: string, user: string) =>
      body('hook-reaction', (b) => {
        setAt(b, 'action.reaction.msgid', msgid);
        setAt(b, 'action.reaction.user.id', user);
      });
    expect(await accept(reaction('m:u', 'v'))).toMatchObject({ result: 'new' });
    expect(await accept(reaction('m', 'u:v'))).toMatchObject({ result: 'new' });
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(4);
  });

  it('stores and queues every hook it answers as new, with odd but storable ids', async () => {
    const ids = ['..', '.', 'a/b', 'ü', '\ud83d\ude0d', 'x%2Fy'];
    for (const id of ids) {
      const bytes = body('hook-message-v2-text-with-source', (b) => setAt(b, 'message.message.id', id));
      expect(await accept(bytes)).toMatchObject({ result: 'new' });
    }
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(ids.length);
  });
});

describe('POST /amojo/webhook/:scopeId with ids that cannot be stored', () => {
  it('answers 400 naming the field, and 400 for a body that is not UTF-8', async () => {
    const h = await startWebhookHarness();
    try {
      const res = await h.post(h.hook('hook-reaction', (b) => setAt(b, 'action.reaction.user.id', LONE)));
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
      expect(error.code).toBe('invalid_request');
      expect(error.issues.map((i) => i.path)).toEqual(['action.reaction.user.id']);

      const bytes = Buffer.from(h.hook('hook-typing'));
      bytes[bytes.indexOf('"user"') + 1] = 0xc0;
      expect((await h.post(bytes)).status).toBe(400);
      expect(await h.inbox()).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
