// biome-ignore-all lint/suspicious/noExplicitAny: the cases edit fixture JSON of many shapes in place
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signWebhook } from '../../src/amojo/sign-webhook';
import { parseAmojoWebhook } from '../../src/contracts/amojo';
import { hookDedupeKey } from '../../src/server/routes/amojo-webhook/hook-dedupe-key';
import type { FuzzRequest, Random } from './create-mutator';
import type { FuzzAnswer } from './send-fuzz-request';
import { DISCONNECT_ACCOUNT, type FuzzStack, LINK_API_ACCOUNT, type LinkedAccount } from './start-fuzz-stack';

/** One valid request of a group, with how to sign it again after its body or query changed. */
export interface FuzzCase {
  request: FuzzRequest;
  /** Re-signs a mutated request, so the mutation reaches past the signature check. */
  resign?: (request: FuzzRequest) => FuzzRequest;
}

export interface FuzzGroup {
  name: string;
  /** A valid request; `i` makes its ids unique in the run. */
  valid(i: number, r: Random): Promise<FuzzCase>;
  /** Notes what the backend promised (accepted work) so the run can follow it to delivery. */
  record(request: FuzzRequest, answer: FuzzAnswer, mutated: boolean): void;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/amojo/${name}.json`, import.meta.url), 'utf8'));
const HOOK_FIXTURES = [
  'hook-message-v2-text-with-source',
  'hook-message-v2-picture',
  'hook-message-v2-list-message',
  'hook-comment-reply',
  'hook-typing',
  'hook-reaction',
].map((name) => [name, fixture(name)] as const);

/** A hook the backend answered 200 "accepted": its inbox key, so the run can find its delivery. */
export interface AcceptedHook {
  account: LinkedAccount;
  dedupeKey: string;
  kind: string;
  text: string;
  mutated: boolean;
  /** True when the relay has a documented reason to deliver nothing (an echo, a typing that expired). */
  silentOk: boolean;
}

/**
 * POST /amojo/webhook/:scopeId with every documented hook kind, signed with the channel secret, for one of the
 * traffic links. Ids are unique per case; media links point at the local media host.
 */
export function hookGroup(stack: FuzzStack, seed: number) {
  const accepted: AcceptedHook[] = [];
  /** Keys first answered "duplicate" (checked at the end against the keys accepted). */
  const duplicates: { key: string; text: string }[] = [];
  const unparsed: string[] = [];
  const byScope = new Map(stack.traffic.map((a) => [a.scopeId, a]));

  const group: FuzzGroup = {
    name: 'amojo webhook',
    async valid(i, r) {
      const account = r.pick(stack.traffic);
      const [name, base] = r.pick(HOOK_FIXTURES);
      const body = structuredClone(base) as Record<string, any>;
      const now = Math.floor(Date.now() / 1000);
      const id = `fz${seed}-${i}`;
      body.account_id = account.amojoId;
      body.time = now;
      if (body.message) {
        body.message.message.id = id;
        body.message.conversation.id = `conv-${seed}-${i % 7}`;
        body.message.timestamp = now;
        body.message.msec_timestamp = now * 1000;
        if (body.message.message.media) body.message.message.media = stack.messenger.mediaUrl(`m-${id}`);
        if (body.message.message.thumbnail) body.message.message.thumbnail = stack.messenger.mediaUrl(`t-${id}`);
        // The fixtures' reply's sender is a client: that is an echo, so give half of them a manager's id instead.
        if (name === 'hook-comment-reply' && r.chance(0.5)) delete body.message.sender.client_id;
      }
      if (body.action?.typing) {
        body.action.typing.user.id = `u-${id}`;
        body.action.typing.conversation.id = `conv-${seed}-${i % 7}`;
        body.action.typing.expired_at = now + 3600;
      }
      if (body.action?.reaction) {
        body.action.reaction.user.id = `u-${id}`;
        body.action.reaction.conversation.id = `conv-${seed}-${i % 7}`;
        body.action.reaction.msgid = `r-${id}`;
      }
      const bytes = json(body);
      const sign = (req: FuzzRequest): FuzzRequest => ({
        ...req,
        headers: { ...req.headers, 'x-signature': signWebhook(req.body ?? Buffer.alloc(0), stack.channelSecret) },
      });
      return {
        request: sign({
          method: 'POST',
          path: `/amojo/webhook/${account.scopeId}`,
          headers: { 'content-type': 'application/json' },
          body: bytes,
        }),
        resign: sign,
      };
    },
    record(request, answer, mutated) {
      if (answer.kind !== 'answer' || answer.status !== 200) return;
      const scope = safeDecode(request.path.split('?')[0]?.split('/')[3] ?? '');
      const account = byScope.get(scope);
      const text = (request.body ?? Buffer.alloc(0)).toString('utf8');
      let parsed: ReturnType<typeof parseAmojoWebhook> | undefined;
      try {
        parsed = parseAmojoWebhook(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
      if (!account || !parsed || parsed.kind === 'invalid' || parsed.kind === 'v1') {
        unparsed.push(`${request.path} ${text.slice(0, 300)}`);
        return;
      }
      const dedupeKey = hookDedupeKey(account.linkId, parsed);
      const status = (JSON.parse(answer.text) as { status?: string }).status;
      if (status === 'duplicate') return void duplicates.push({ key: dedupeKey, text });
      const echo =
        parsed.kind === 'message' || parsed.kind === 'comment_reply' ? !!parsed.hook.message.sender.client_id : false;
      const expired = parsed.kind === 'typing' && parsed.hook.action.typing.expired_at * 1000 < Date.now() + 60_000;
      accepted.push({ account, dedupeKey, kind: parsed.kind, text, mutated, silentOk: echo || expired });
    },
  };
  return { group, accepted, duplicates, unparsed };
}

/** A bridge call the backend answered 202 as new work. */
export interface AcceptedBridgeCall {
  account: LinkedAccount;
  path: string;
  body: Record<string, any>;
  /** The bytes as sent (the body above is {} when they do not parse as JSON here). */
  text: string;
  mutated: boolean;
}

/** Every bridge route with the link's API key: messages, edits, typing, reactions, receipts, history, and the reads. */
export function bridgeGroup(stack: FuzzStack, seed: number) {
  const accepted: AcceptedBridgeCall[] = [];
  const sent = new Map<string, string[]>(stack.traffic.map((a) => [a.linkId, []]));
  const refOf = (account: LinkedAccount, r: Random) => {
    const ids = sent.get(account.linkId) ?? [];
    return ids.length > 0 ? r.pick(ids) : 'missing';
  };

  const group: FuzzGroup = {
    name: 'bridge',
    async valid(i, r) {
      const account = r.pick(stack.traffic);
      const id = `b${seed}-${i}`;
      const conversation = { id: `bc-${seed}-${i % 5}` };
      const sender = { id: `client-${i % 5}`, name: `Client ${i % 5}` };
      const post = (path: string, body: unknown): FuzzRequest => ({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.apiKey}` },
        body: json(body),
      });
      const get = (path: string): FuzzRequest => ({
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${account.apiKey}` },
      });
      const kind = r.int(12);
      if (kind <= 4) {
        const message =
          kind === 4
            ? { type: 'picture', media: stack.messenger.mediaUrl(id), text: 'a picture' }
            : { type: 'text', text: `text ${id} ${r.pick(['', 'Привет', '😍', 'line\nbreak'])}` };
        const body: Record<string, unknown> = { id, conversation, sender, message };
        if (r.chance(0.2)) body.reply_to = { id: refOf(account, r) };
        sent.get(account.linkId)?.push(id);
        return { request: post('/bridge/v1/messages', body) };
      }
      if (kind === 5)
        return {
          request: post(`/bridge/v1/messages/${refOf(account, r)}/edit`, {
            message: { type: 'text', text: `edit ${id}` },
            edited_at: Date.now(),
          }),
        };
      if (kind === 6) return { request: post('/bridge/v1/typing', { conversation, sender: { id: sender.id } }) };
      if (kind === 7)
        return {
          request: post('/bridge/v1/reactions', {
            id: `re-${id}`,
            sender: { id: sender.id },
            message: { id: refOf(account, r) },
            type: 'react',
            emoji: '👍',
          }),
        };
      if (kind === 8)
        return { request: post('/bridge/v1/receipts', { message: { message_id: `mgr-${id}` }, status: 'read' }) };
      if (kind === 9)
        return {
          request: post('/bridge/v1/history-imports', {
            import_id: `imp-${id}`,
            conversation,
            client: sender,
            final: r.chance(0.5),
            messages: [0, 1].map((n) => ({
              id: `${id}-h${n}`,
              direction: 'in',
              sent_at: Date.now() - 60_000 + n,
              message: { type: 'text', text: `history ${n}` },
            })),
          }),
        };
      if (kind === 10) return { request: get(r.pick(['/bridge/v1/me', `/bridge/v1/messages/${refOf(account, r)}`])) };
      return { request: get(`/bridge/v1/history-imports/imp-b${seed}-${r.int(Math.max(1, i))}`) };
    },
    record(request, answer, mutated) {
      if (answer.kind !== 'answer' || answer.status !== 202) return;
      const key = request.headers.authorization?.replace(/^Bearer /, '');
      const account = stack.traffic.find((a) => a.apiKey === key);
      const reply = JSON.parse(answer.text) as { duplicate?: boolean };
      if (!account || reply.duplicate === true) return;
      const text = (request.body ?? Buffer.alloc(0)).toString('utf8');
      let body: Record<string, any> = {};
      try {
        // RFC 8259 lets a parser ignore a leading BOM, and the bridge does.
        body = JSON.parse(text.replace(/^\ufeff/, ''));
      } catch {}
      accepted.push({ account, path: request.path, body, text, mutated });
    },
  };
  return { group, accepted };
}

/** GET/PUT/DELETE /api/widget/link and POST rotate/test, each with a fresh one-time token of the link API account. */
export function linkApiGroup(stack: FuzzStack): FuzzGroup {
  return {
    name: 'widget link API',
    async valid(_i, r) {
      const who = LINK_API_ACCOUNT;
      const headers = (extra: Record<string, string> = {}) => ({ ...extra });
      const token = await stack.token(who, r.chance(0.1) ? { userId: 1 } : {});
      const withToken = { 'x-auth-token': token };
      switch (r.int(6)) {
        case 0:
          return { request: { method: 'GET', path: '/api/widget/link', headers: headers(withToken) } };
        case 1:
        case 2:
          return {
            request: {
              method: 'PUT',
              path: '/api/widget/link',
              headers: headers({ ...withToken, 'content-type': 'application/json' }),
              body: json({ ...stack.linkBody(who), title: `Fuzz ${r.int(1000)}` }),
            },
          };
        case 3:
          return {
            request: {
              method: 'POST',
              path: '/api/widget/link/rotate',
              headers: headers({ ...withToken, 'content-type': 'application/json' }),
              body: json({}),
            },
          };
        case 4:
          return { request: { method: 'POST', path: '/api/widget/link/test', headers: headers(withToken) } };
        default:
          return { request: { method: 'DELETE', path: '/api/widget/link', headers: headers(withToken) } };
      }
    },
    record() {},
  };
}

/**
 * GET /amocrm/oauth (the install redirect, with a code the emulator really issued or one it never did) and
 * GET /amocrm/disconnect (signed with the client secret, for the disconnect account or an unknown one).
 */
export function amocrmGroup(stack: FuzzStack): FuzzGroup {
  const signDisconnect = (req: FuzzRequest): FuzzRequest => {
    const [base, query = ''] = req.path.split('?') as [string, string?];
    const params = new URLSearchParams(query);
    const signature = createHmac('sha256', stack.clientSecret)
      .update(`${params.get('client_uuid') ?? ''}|${params.get('account_id') ?? ''}`)
      .digest('hex');
    params.set('signature', signature);
    return { ...req, path: `${base}?${params.toString()}` };
  };
  return {
    name: 'amoCRM redirect and disconnect',
    async valid(i, r) {
      if (r.chance(0.5)) {
        const accountId = r.chance(0.7) ? DISCONNECT_ACCOUNT.id : 99_000_000 + i;
        const query = new URLSearchParams({ account_id: String(accountId), client_uuid: stack.clientId });
        return {
          request: signDisconnect({ method: 'GET', path: `/amocrm/disconnect?${query}`, headers: {} }),
          resign: signDisconnect,
        };
      }
      const query = new URLSearchParams({
        code: `def50200${i.toString(16)}${'0'.repeat(20)}`,
        referer: r.pick([
          `${DISCONNECT_ACCOUNT.subdomain}.amocrm.ru`,
          'evil.example.com',
          `${LINK_API_ACCOUNT.subdomain}.amocrm.ru`,
        ]),
        platform: '1',
        client_id: stack.clientId,
        ...(r.chance(0.3) ? { from_widget: '1' } : {}),
      });
      return {
        request: {
          method: 'GET',
          path: `/amocrm/oauth?${query}`,
          headers: r.chance(0.2) ? { accept: 'text/html' } : {},
        },
      };
    },
    record() {},
  };
}

/** The open reads: media links, probes, metrics, the OpenAPI document, the root page and unknown paths. */
export function publicGroup(): FuzzGroup {
  return {
    name: 'media, probes, metrics, openapi',
    async valid(_i, r) {
      const path = r.pick([
        '/healthz',
        '/readyz',
        '/metrics',
        '/openapi.json',
        '/',
        '/media/abc',
        `/media/${'a'.repeat(43)}?expires=${Math.floor(Date.now() / 1000) + 60}&sig=${'b'.repeat(43)}`,
        '/nowhere',
      ]);
      return { request: { method: r.pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS']), path, headers: {} } };
    },
    record() {},
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
