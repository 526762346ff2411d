import type { ChatBindingRecord } from './amocrm-emulator-types';
import type { ApiCall } from './api-call';
import { halResponse } from './hal-response';
import { noContent } from './no-content';
import { problemResponse } from './problem-response';
import { readApiBody } from './read-api-body';
import { type FieldError, type ItemErrors, validationProblem } from './validation-problem';

/** amojo chat ids are UUIDs (the create-chat answer's `id`, crm-rest §5.3). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The docs give no cap; the batch writes' 50 (crm-rest §4.2). */
export const CHAT_BINDING_BATCH_LIMIT = 50;

/**
 * `POST` and `GET /api/v4/contacts/chats` (crm-rest §5.1-5.2): admin-only; no session cookies (a `Cookie` header is
 * refused). POST binds each chat to an existing contact of the account, replacing the chat's binding under a new id;
 * the whole batch is refused when one item is wrong. GET lists the current bindings of `chat_id` / `contact_id`
 * (repeated, `[]` or `[n]` keys), 204 when none.
 */
export async function handleContactChatsRequest(call: ApiCall): Promise<Response> {
  const { request, caller } = call;
  if (request.method !== 'GET' && request.method !== 'POST') {
    return problemResponse(405, 'Method not allowed', { reason: 'method' });
  }
  if (request.headers.has('cookie')) {
    return problemResponse(400, 'Session cookies must not be sent to this method', { reason: 'cookies_sent' });
  }
  if (!caller.isAdmin) return problemResponse(403, 'Not enough rights', { reason: 'not_admin' });
  return request.method === 'GET' ? listBindings(call) : bind(call);
}

function listBindings(call: ApiCall): Response {
  const values = (name: string) =>
    [...call.url.searchParams].filter(([key]) => new RegExp(`^${name}(?:\\[\\d*\\])?$`).test(key)).map(([, v]) => v);
  const chatIds = values('chat_id');
  const contactIds = values('contact_id');
  const errors: FieldError[] = [];
  if (chatIds.length === 0 && contactIds.length === 0) {
    errors.push({ code: 'FieldMissing', path: 'chat_id', detail: 'chat_id or contact_id is required' });
  }
  for (const id of chatIds)
    if (!UUID.test(id)) errors.push({ code: 'InvalidFormat', path: 'chat_id', detail: `${id} is not a UUID` });
  for (const id of contactIds)
    if (!/^\d+$/.test(id)) errors.push({ code: 'InvalidType', path: 'contact_id', detail: `${id} is not an integer` });
  if (errors.length > 0) return validationProblem([{ requestId: '0', errors }], 'invalid_query');
  const found = call.ctx.crm
    .bindings(call.account.id)
    .filter((binding) => binding.replacedAt === undefined)
    .filter(
      (binding) => chatIds.length === 0 || chatIds.some((id) => id.toLowerCase() === binding.chatId.toLowerCase()),
    )
    .filter((binding) => contactIds.length === 0 || contactIds.includes(String(binding.contactId)));
  if (found.length === 0) return noContent();
  return halResponse({
    _total_items: found.length,
    _links: { self: { href: `${call.origin}/api/v4/contacts/chats` } },
    _embedded: { chats: found.map((binding) => bindingBody(binding)) },
  });
}

async function bind(call: ApiCall): Promise<Response> {
  const body = await readApiBody(call.request);
  if (!body.ok) return body.response;
  const items = body.value;
  const refuse = (detail: string) =>
    validationProblem([{ requestId: '0', errors: [{ code: 'InvalidType', path: '', detail }] }], 'invalid_bindings');
  if (!Array.isArray(items)) return refuse('The body must be an array of bindings');
  if (items.length === 0) return refuse('The array is empty');
  if (items.length > CHAT_BINDING_BATCH_LIMIT) {
    return problemResponse(400, `At most ${CHAT_BINDING_BATCH_LIMIT} bindings may be sent at once`, {
      reason: 'batch_too_large',
    });
  }
  const problems: ItemErrors[] = [];
  const valid: { chatId: string; contactId: number; requestId: string }[] = [];
  items.forEach((item, index) => {
    const record = (item !== null && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const requestId = typeof record.request_id === 'string' ? record.request_id : String(index);
    const errors: FieldError[] = [];
    const { chat_id: chatId, contact_id: contactId } = record;
    if (typeof chatId !== 'string' || !UUID.test(chatId)) {
      errors.push({ code: 'InvalidFormat', path: 'chat_id', detail: 'chat_id must be the amojo chat UUID' });
    }
    if (!Number.isSafeInteger(contactId) || (contactId as number) <= 0) {
      errors.push({ code: 'InvalidType', path: 'contact_id', detail: 'contact_id must be an integer' });
    } else if (call.ctx.crm.contact(call.account.id, contactId as number) === undefined) {
      errors.push({ code: 'NotFound', path: 'contact_id', detail: `contact with id = ${contactId} not found` });
    }
    if (errors.length > 0) problems.push({ requestId, errors });
    else valid.push({ chatId: chatId as string, contactId: contactId as number, requestId });
  });
  if (problems.length > 0) return validationProblem(problems, 'invalid_bindings');
  const bound = valid.map((item) => ({
    ...bindingBody(call.ctx.crm.bind(call.account.id, item.chatId, item.contactId)),
    request_id: item.requestId,
  }));
  return halResponse({ _total_items: bound.length, _embedded: { chats: bound } });
}

function bindingBody(binding: ChatBindingRecord) {
  return { chat_id: binding.chatId, contact_id: binding.contactId, id: binding.id };
}
