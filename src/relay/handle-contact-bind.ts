import { z } from 'zod/mini';
import type { AmocrmClient } from '../amocrm/amocrm-client';
import { AmocrmError } from '../amocrm/amocrm-error';
import type { AmocrmContact } from '../contracts/amocrm';
import type { CreateChatRequest } from '../contracts/amojo';
import { bridgeContactHint } from '../contracts/bridge';
import { contactOrderingKey } from '../jobs/ordering-keys';
import type { RelayJob } from '../jobs/relay-jobs';
import { bindConversation, findConversationById, setConversationContact } from '../store/conversations-repo';
import type { OutboxJob } from '../store/outbox-repo';
import type { ContactState } from '../store/schema';
import { amojoJobError } from './amojo-job-error';
import type { JobEffect } from './job-effect';
import type { JobResult } from './job-handler';
import { type LiveLink, liveLink } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

type ContactBindJob = Extract<RelayJob, { kind: 'amocrm.bind_contact' }>;
type Hint = z.infer<typeof bridgeContactHint>;

/** What a look-up by phone or e-mail asks amoCRM for: the most a chat's one client could plausibly match. */
const SEARCH_LIMIT = 50;

/**
 * A binding the conversation's first message waits for gets this many attempts, and none is started once this long
 * has passed since it was queued; one attempt's amoCRM calls may take TRY_MS at most. The client already retries
 * each call (429, 5xx, network) a few times within a few seconds, so three attempts ride out a blip of about half a
 * minute; past it the message goes, and amoCRM files the chat as it would without a hint. Worst case, about 30 s
 * plus one attempt. Retry-After waits no longer than MAX_WAIT_MS there.
 */
const BIND_FIRST_ATTEMPTS = 3;
const BIND_FIRST_BUDGET_MS = 30_000;
const TRY_MS = 15_000;
const MAX_WAIT_MS = 5_000;

/**
 * Binds a conversation's amojo chat to the amoCRM contact its hint names (crm-rest.md §5): an id directly; a phone or
 * an e-mail only when exactly one contact found by amoCRM's search really carries it (amoCRM's `query` matches any
 * filled-in field, so its answer is a shortlist, not a match). None leaves the chat to amoCRM's usual flow; several
 * bind nothing and are reported. The state is written in the same step as the outcome, and only a `pending` (or, on
 * a replay, `failed`) conversation is worked on, so a chat is bound at most once. An unknown chat id is asked of
 * amojo first: create-chat is idempotent per conversation_id, and the job carries the request that opens the chat
 * (amocrm-jobs.ts); its failures are retried like a message's (the message behind it would meet the same amojo).
 *
 * Queued on the conversation's key (a hint on the request that started the conversation), the binding holds the
 * conversation's messages, so it must end soon: amoCRM's 400 and 404 (an unknown contact id, a refused body), any
 * other refusal, and a transient failure past BIND_FIRST_ATTEMPTS or BIND_FIRST_BUDGET_MS end it as `failed`, the
 * job done, and the messages go. Queued on its own key (a hint on a later message), nothing waits for it: transient
 * failures are retried by the outbox, and mark the state `failed` only once the job gives up. Without an amoCRM
 * client the binding is `failed` at once, the job done.
 */
export async function handleContactBind(deps: RelayDeps, job: ContactBindJob, row: OutboxJob): Promise<JobResult> {
  const link = await liveLink(deps.links, job.linkId);
  const conversation = await findConversationById(deps.db, job.conversationRowId);
  if (!conversation || conversation.linkId !== link.id) return { outcome: 'stale' };
  if (conversation.contactState !== 'pending' && conversation.contactState !== 'failed') {
    return { outcome: 'already_done' };
  }
  const log = { linkId: link.id, conversationRowId: conversation.id };
  const hint = parseHint(conversation.contactHint);
  if (hint === undefined) {
    // Nothing to act on (a hint written by hand): say so rather than leave it pending forever.
    return { outcome: 'failed', effects: settled(conversation.id, null, 'failed') };
  }
  if (!deps.amocrm) {
    // No amoCRM client configured: nothing to wait for, so the messages go at once.
    deps.logger?.warn({ ...log, code: 'amocrm_unavailable' }, 'contact hint not bound: no amoCRM client');
    return { outcome: 'failed', effects: settled(conversation.id, null, 'failed') };
  }
  const plan = planOf(row, job);
  const onDead = settled(conversation.id, null, 'failed');

  let chatId = conversation.amojoChatId;
  let opened: string | undefined;
  if (chatId === null) {
    // A chat id lost, and no request to open the chat with: nothing to bind.
    if (plan.chat === undefined) return { outcome: 'failed', effects: onDead };
    opened = await openChat(deps, link, plan.chat, onDead);
    chatId = opened;
  }
  const ended = (contactId: number | null, state: ContactState): JobEffect => {
    const settle = settled(conversation.id, contactId, state);
    if (opened === undefined) return settle;
    const chat = opened;
    return async (trx, now) => {
      // A hook may have named the chat meanwhile (the same chat): the row keeps the id it has.
      await bindConversation(trx, conversation.id, { amojoChatId: chat }, now);
      await settle(trx, now);
    };
  };

  try {
    const binding = bindByHint(deps.amocrm, link.accountId, chatId, hint);
    const bound = plan.holding ? await within(binding, TRY_MS) : await binding;
    if (bound.state === 'ambiguous') {
      deps.logger?.warn({ ...log, contactIds: bound.candidates }, 'contact hint matches several amoCRM contacts');
    }
    return { outcome: bound.state, effects: ended(bound.contactId, bound.state) };
  } catch (error) {
    if (!(error instanceof AmocrmError)) throw error;
    const code = `amocrm_${error.code}`;
    const refused = error.code === 'invalid_request' || error.code === 'not_found';
    const giveUp =
      refused ||
      (plan.holding &&
        (!error.retryable ||
          plan.attempt >= BIND_FIRST_ATTEMPTS ||
          deps.now() - plan.queuedAt >= BIND_FIRST_BUDGET_MS));
    if (giveUp) {
      deps.logger?.warn({ ...log, code, attempt: plan.attempt }, 'contact hint not bound: amoCRM refused or failed');
      return { outcome: 'failed', effects: ended(null, 'failed') };
    }
    const wait = error.retryAfterMs;
    throw new RelayJobError(code, {
      retryable: error.retryable,
      retryAfterMs: plan.holding && wait !== undefined ? Math.min(wait, MAX_WAIT_MS) : wait,
      onDead,
      cause: error,
    });
  }
}

interface Plan {
  /** On the conversation's key: its messages wait for this job. */
  holding: boolean;
  /** This attempt's number in the retry budget (JobContext.attempt): takeovers from dead workers are not attempts. */
  attempt: number;
  queuedAt: number;
  chat: CreateChatRequest | undefined;
}

/** What the job's row says beyond its payload: which key it holds, its attempt and when it was queued. */
function planOf(row: OutboxJob, job: ContactBindJob): Plan {
  return {
    holding: row.orderingKey !== contactOrderingKey(job.conversationRowId),
    attempt: row.attempts - row.lostLeases,
    queuedAt: row.createdAt,
    chat: job.chat,
  };
}

/** The chat's amojo id from create-chat (idempotent per conversation_id: the chat the messages go to). */
async function openChat(deps: RelayDeps, link: LiveLink, chat: CreateChatRequest, onDead: JobEffect): Promise<string> {
  try {
    return (await deps.amojo(link.region).createChat(link.scopeId, chat, { retry: false })).id;
  } catch (error) {
    const failure = amojoJobError(error);
    if (!(failure instanceof RelayJobError)) throw failure;
    throw new RelayJobError(failure.code, {
      retryable: failure.retryable,
      retryAfterMs: failure.retryAfterMs,
      onDead,
      cause: error,
    });
  }
}

/** The sign that TRY_MS passed: a transient failure like amoCRM's own timeout. */
const tooSlow = () => new AmocrmError('timeout', `no answer within ${TRY_MS} ms`, { endpoint: 'contact binding' });

/**
 * `work`, or a timeout after `ms`. The amoCRM client takes no AbortSignal, so a call cut short here is abandoned,
 * not aborted: its late answer is dropped (as the runner drops a handler's past its deadline).
 */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow()), ms);
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Bound {
  state: Extract<ContactState, 'bound' | 'not_found' | 'ambiguous'>;
  contactId: number | null;
  candidates?: number[];
}

async function bindByHint(amocrm: AmocrmClient, accountId: number, chatId: string, hint: Hint): Promise<Bound> {
  let contactId = hint.id;
  if (contactId === undefined) {
    const found = await amocrm.findContacts(accountId, searchQuery(hint), SEARCH_LIMIT);
    const matches = found.filter((contact) => carries(contact, hint));
    if (matches.length === 0) return { state: 'not_found', contactId: null };
    if (matches.length > 1) return { state: 'ambiguous', contactId: null, candidates: matches.map((c) => c.id) };
    contactId = matches[0]?.id;
    if (contactId === undefined) return { state: 'not_found', contactId: null };
  }
  const binding = await amocrm.bindChatToContact(accountId, chatId, contactId);
  return { state: 'bound', contactId: binding.contact_id };
}

/**
 * The phone's last ten digits (all of them when shorter): amoCRM's search is by substring and its matching rules are
 * undocumented, and the last ten are what `+7 916…`, `7916…` and `8 916…` have in common. phoneMatches decides.
 */
function searchQuery(hint: Hint): string {
  if (hint.phone !== undefined) return digitsOf(hint.phone).slice(-10);
  return (hint.email ?? '').trim();
}

function carries(contact: AmocrmContact, hint: Hint): boolean {
  const code = hint.phone !== undefined ? 'PHONE' : 'EMAIL';
  const values = (contact.custom_fields_values ?? [])
    .filter((field) => field.field_code === code)
    .flatMap((field) => field.values.map((v) => String(v.value)));
  if (hint.phone !== undefined) {
    const wanted = hint.phone;
    return values.some((value) => phoneMatches(wanted, value));
  }
  const wanted = (hint.email ?? '').trim().toLowerCase();
  return values.some((value) => value.trim().toLowerCase() === wanted);
}

function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/**
 * One number however written: the same digits once everything else is dropped (`+7 (916) 123-45-67` = `79161234567`).
 * Also Russia's and Kazakhstan's trunk prefix, since amoCRM's own users write `8 916 123-45-67` for `+7 916…`: eleven
 * digits, one starting with 7 and the other with 8, the rest equal. Other national forms (a leading 0) are not
 * guessed at: without the country, `0…` could be anyone's.
 */
function phoneMatches(a: string, b: string): boolean {
  const left = digitsOf(a);
  const right = digitsOf(b);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  if (left.length !== 11 || right.length !== 11 || left.slice(1) !== right.slice(1)) return false;
  const prefixes = new Set([left[0], right[0]]);
  return prefixes.has('7') && prefixes.has('8');
}

function parseHint(json: string | null): Hint | undefined {
  if (json === null) return undefined;
  try {
    const parsed = z.safeParse(bridgeContactHint, JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function settled(conversationRowId: string, contactId: number | null, state: ContactState): JobEffect {
  return async (trx, now) => {
    await setConversationContact(trx, conversationRowId, { contactId, state }, now);
  };
}
