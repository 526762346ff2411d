import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod/mini';
import { type ActionResult, actionError, issuesOf } from './action-result';
import { clientIdentity, phoneDigits } from './client-identity';
import { clientMessageInput } from './client-message-input';
import type { ClientActions } from './create-client-actions';
import type { DemoSnapshot } from './demo-messenger-types';
import type { MessengerState } from './messenger-state';
import { type SettingsPatch, settingsPatch } from './open-settings-store';

export interface ApiDeps {
  state: MessengerState;
  actions: ClientActions;
  snapshot: () => DemoSnapshot;
  /** Checks a number's settings with the bridge and saves them, or answers why not (see save-settings.ts). */
  applySettings: (patch: SettingsPatch, numberId?: string) => Promise<ActionResult>;
  /** The messenger's numbers, the first one first (it is the default of every route that names none). */
  numberIds: readonly string[];
}

const openConversationInput = z.strictObject({
  name: z.string().check(
    z.maxLength(255),
    z.refine((v) => v.trim() !== '', { message: 'must not be blank' }),
  ),
  phone: z.string().check(
    z.maxLength(64),
    z.refine((v) => phoneDigits(v).length >= 5, { message: 'needs at least 5 digits' }),
  ),
  /** Which of the messenger's numbers the client writes to; the first one when omitted. */
  numberId: z.optional(z.string().check(z.maxLength(64))),
});

const reactionInput = z.strictObject({ emoji: z.nullable(z.string().check(z.minLength(1), z.maxLength(32))) });

const send = (c: Context, result: ActionResult) => c.json(result.body, result.status as 200);

const isJson = (c: Context) => c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/** The body as JSON, parsed with `schema`. */
async function readInput<S extends z.core.$ZodType>(c: Context, schema: S): Promise<z.infer<S> | ActionResult> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return actionError(400, 'invalid_json', 'The body is not JSON.');
  }
  const parsed = z.safeParse(schema, json);
  if (parsed.success) return parsed.data;
  return actionError(400, 'invalid_request', 'Some fields are not valid.', { issues: issuesOf(parsed.error) });
}

const isFailure = (value: unknown): value is ActionResult =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

/** The page's API: its state, the settings, and every client action (the messenger server calls the bridge). */
export function apiRoutes(deps: ApiDeps): Hono {
  const { state, actions } = deps;
  const app = new Hono();
  app.use(
    '/api/*',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => send(c, actionError(413, 'payload_too_large', 'Too large.')) }),
  );
  // Every write must be JSON. That keeps other sites out: a browser sends a cross-origin JSON request only after a
  // preflight, which this server never answers with a yes, so a plain form post from elsewhere cannot act here.
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || isJson(c)) return next();
    return send(c, actionError(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json.'));
  });

  app.get('/api/state', (c) => c.json(deps.snapshot()));

  const [firstNumber = ''] = deps.numberIds;
  const noNumber = () => actionError(404, 'number_not_found', 'This messenger has no number with this id.');

  app.put('/api/settings', async (c) => {
    const patch = await readInput(c, settingsPatch);
    if (isFailure(patch)) return send(c, patch);
    return send(c, await deps.applySettings(patch));
  });

  app.put('/api/numbers/:id/settings', async (c) => {
    const numberId = c.req.param('id');
    if (!deps.numberIds.includes(numberId)) return send(c, noNumber());
    const patch = await readInput(c, settingsPatch);
    if (isFailure(patch)) return send(c, patch);
    return send(c, await deps.applySettings(patch, numberId));
  });

  app.post('/api/conversations', async (c) => {
    const input = await readInput(c, openConversationInput);
    if (isFailure(input)) return send(c, input);
    const numberId = input.numberId ?? firstNumber;
    if (!deps.numberIds.includes(numberId)) return send(c, noNumber());
    const existing = state.conversationByPhone(input.phone, numberId);
    if (existing !== undefined) return c.json({ conversation: structuredClone(existing) });
    const { conversationId, clientId } = clientIdentity(input.phone, numberId === firstNumber ? undefined : numberId);
    const conversation = state.addConversation({
      id: conversationId,
      numberId,
      phone: input.phone.trim(),
      client: { id: clientId, name: input.name.trim() },
      startedBy: 'client',
    });
    state.changed();
    return c.json({ conversation: structuredClone(conversation) }, 201);
  });

  app.post('/api/conversations/:id/messages', async (c) => {
    const input = await readInput(c, clientMessageInput);
    if (isFailure(input)) return send(c, input);
    return send(c, await actions.sendMessage(c.req.param('id'), input));
  });

  app.post('/api/conversations/:id/typing', async (c) => send(c, await actions.sendTyping(c.req.param('id'))));

  app.post('/api/messages/:id/reactions', async (c) => {
    const input = await readInput(c, reactionInput);
    if (isFailure(input)) return send(c, input);
    return send(c, await actions.react(c.req.param('id'), input.emoji));
  });

  app.post('/api/messages/:id/read', async (c) => send(c, await actions.markRead(c.req.param('id'))));

  app.post('/api/messages/:id/retry', async (c) => send(c, await actions.retryMessage(c.req.param('id'))));

  return app;
}
