import { z } from 'zod/mini';
import {
  type AmocrmPipeline,
  accountResponse,
  amocrmChatBindingList,
  amocrmContactList,
  amocrmPipelineList,
  amocrmSource,
  amocrmSourceList,
  type UserResponse,
  userResponse,
} from '../contracts/amocrm';
import type { FetchLike } from '../egress/fetch-like';
import type { RetryPolicy } from '../http/with-retry';
import type { AmocrmClient } from './amocrm-client';
import { AmocrmError } from './amocrm-error';
import { createRequestSender } from './create-request-sender';
import { nothingFoundAs } from './nothing-found-as';
import type { AccountAccess, TokenSource } from './token-source';

export interface AmocrmClientOptions {
  tokens: TokenSource;
  fetch: FetchLike;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * Request starts per rolling second per account. amoCRM's figure is docs-silent (crm-rest §7); 7/s is the one in
   * circulation, and keeping under it is what protects the account from being blocked (§9.17).
   */
  ratePerSecond?: number;
  /** Calls waiting per account before new ones are refused with `rate_limited` (default 100). */
  maxQueue?: number;
  maxResponseBytes?: number;
}

const ACCOUNT_PATH = '/api/v4/account';
const SOURCES_PATH = '/api/v4/sources';
const PIPELINES_PATH = '/api/v4/leads/pipelines';
const CONTACTS_PATH = '/api/v4/contacts';
const CONTACT_CHATS_PATH = '/api/v4/contacts/chats';
const WITH_AMOJO_ID = { with: 'amojo_id' };
/** amoCRM's page size cap for contacts (crm-rest §5.4, §7). */
const MAX_CONTACTS_LIMIT = 250;
/** The docs show the batch PATCH's collection; a PATCH of `/{id}` may answer the one model, as GET `/{id}` does. */
const patchAnswer = z.union([amocrmSource, amocrmSourceList]);
/** Whatever a 2xx with a body says, a DELETE is done; only the status matters. */
const anything = z.unknown();

/**
 * The amoCRM REST client (AmocrmClient): each attempt waits its turn in the account's queue, 429/5xx/network
 * failures are retried with backoff (Retry-After honoured), and a 401 asks the TokenSource for a fresh token once.
 * amoCRM's "nothing found" 204 is an empty list for the list calls. No I/O until a method is called.
 */
export function createAmocrmClient(options: AmocrmClientOptions): AmocrmClient {
  const { send, asInstallation } = createRequestSender({
    ...options,
    now: options.now ?? (() => new Date()),
    ratePerSecond: options.ratePerSecond ?? 7,
    maxQueue: options.maxQueue ?? 100,
  });

  /** A non-admin's token may not read users (crm-rest §3): its 403 is an answer, "not an admin", not a failure. */
  async function userOrNull(read: Promise<UserResponse>): Promise<UserResponse | null> {
    try {
      return await read;
    } catch (error) {
      if (error instanceof AmocrmError && error.code === 'forbidden') return null;
      throw error;
    }
  }

  const accountKey = (accountId: number) => `account:${accountId}`;
  // Before an installation exists there is no account id yet; the origin names the account just as well.
  const originKey = (access: AccountAccess) => `origin:${access.baseUrl.replace(/\/+$/, '')}`;
  /** The installation's call on the account's lane. */
  const call = <T>(accountId: number, run: (key: string, access: AccountAccess) => Promise<T>) =>
    asInstallation(accountId, (access) => run(accountKey(accountId), access));

  async function mainPipelineId(accountId: number): Promise<number> {
    const main = (await client.pipelines(accountId)).find((pipeline: AmocrmPipeline) => pipeline.is_main);
    if (main === undefined) {
      throw new AmocrmError('invalid_response', 'the account lists no main pipeline', {
        endpoint: `GET ${PIPELINES_PATH}`,
      });
    }
    return main.id;
  }

  const client: AmocrmClient = {
    account: (accountId) =>
      call(accountId, (key, access) =>
        send(key, access, 'GET', ACCOUNT_PATH, accountResponse, { query: WITH_AMOJO_ID }),
      ),
    user: async (accountId, userId) => {
      const path = `/api/v4/users/${positiveId(userId, 'user id', 'GET /api/v4/users/{id}')}`;
      return userOrNull(call(accountId, (key, access) => send(key, access, 'GET', path, userResponse)));
    },
    accountWith: (access) =>
      send(originKey(access), access, 'GET', ACCOUNT_PATH, accountResponse, { query: WITH_AMOJO_ID }),
    userWith: async (access, userId) => {
      const path = `/api/v4/users/${positiveId(userId, 'user id', 'GET /api/v4/users/{id}')}`;
      return userOrNull(send(originKey(access), access, 'GET', path, userResponse));
    },

    sources: async (accountId, externalIds) => {
      // No id asked for matches nothing; without the filter amoCRM would list every source instead.
      if (externalIds !== undefined && externalIds.length === 0) return [];
      const query =
        externalIds === undefined
          ? undefined
          : // The docs take a string or an array; PHP reads repeated `[]` keys as the array.
            externalIds.length === 1
            ? { 'filter[external_id]': externalIds[0] as string }
            : { 'filter[external_id][]': externalIds };
      const list = await call(accountId, (key, access) =>
        nothingFoundAs(send(key, access, 'GET', SOURCES_PATH, amocrmSourceList, { query }), undefined),
      );
      return list?._embedded.sources ?? [];
    },
    createSource: async (accountId, input) => {
      // `pipeline_id` is an optional int (crm-rest §4.2): left out, amoCRM picks the main pipeline; null is not an int.
      const body = [
        {
          name: input.name,
          external_id: input.external_id,
          ...(input.pipeline_id === null ? {} : { pipeline_id: input.pipeline_id }),
        },
      ];
      const list = await call(accountId, (key, access) =>
        send(key, access, 'POST', SOURCES_PATH, amocrmSourceList, { body, retryOnlyRateLimit: true }),
      );
      return firstOf(list._embedded.sources, `POST ${SOURCES_PATH}`);
    },
    updateSource: async (accountId, sourceId, patch) => {
      const path = `${SOURCES_PATH}/${positiveId(sourceId, 'source id', `PATCH ${SOURCES_PATH}/{id}`)}`;
      // Back to "amoCRM's main" is a pipeline id like any other on a PATCH: leaving it out would keep the old one.
      const pipelineId = patch.pipeline_id ?? (await mainPipelineId(accountId));
      const body = { name: patch.name, pipeline_id: pipelineId };
      const answer = await call(accountId, (key, access) => send(key, access, 'PATCH', path, patchAnswer, { body }));
      return isSourceList(answer) ? firstOf(answer._embedded.sources, `PATCH ${SOURCES_PATH}/{id}`) : answer;
    },
    deleteSource: async (accountId, sourceId) => {
      const path = `${SOURCES_PATH}/${positiveId(sourceId, 'source id', `DELETE ${SOURCES_PATH}/{id}`)}`;
      try {
        await call(accountId, (key, access) => nothingFoundAs(send(key, access, 'DELETE', path, anything), undefined));
      } catch (error) {
        // Already gone (deleted in amoCRM, or an earlier attempt whose answer was lost) is what was asked for.
        if (!(error instanceof AmocrmError && error.code === 'not_found' && error.status === 404)) throw error;
      }
    },
    pipelines: async (accountId) => {
      const list = await call(accountId, (key, access) => send(key, access, 'GET', PIPELINES_PATH, amocrmPipelineList));
      return list._embedded.pipelines;
    },
    findContacts: async (accountId, query, limit = 50) => {
      const endpoint = `GET ${CONTACTS_PATH}`;
      // An empty query would list every contact, each of them a false match.
      if (query.trim() === '') throw new AmocrmError('invalid_request', 'empty contact query; not sent', { endpoint });
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONTACTS_LIMIT) {
        throw new AmocrmError('invalid_request', `limit must be 1 to ${MAX_CONTACTS_LIMIT}; not sent`, { endpoint });
      }
      const list = await call(accountId, (key, access) =>
        nothingFoundAs(
          send(key, access, 'GET', CONTACTS_PATH, amocrmContactList, { query: { query, limit } }),
          undefined,
        ),
      );
      return list?._embedded.contacts ?? [];
    },
    bindChatToContact: async (accountId, chatId, contactId) => {
      const endpoint = `POST ${CONTACT_CHATS_PATH}`;
      const body = [{ chat_id: chatId, contact_id: positiveId(contactId, 'contact id', endpoint) }];
      const list = await call(accountId, (key, access) =>
        send(key, access, 'POST', CONTACT_CHATS_PATH, amocrmChatBindingList, { body }),
      );
      return firstOf(list._embedded.chats, endpoint);
    },
  };
  return client;
}

function positiveId(id: number, what: string, endpoint: string): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AmocrmError('invalid_request', `${what} is not a positive integer; not sent`, { endpoint });
  }
  return id;
}

function isSourceList(answer: z.infer<typeof patchAnswer>): answer is z.infer<typeof amocrmSourceList> {
  return typeof answer.id !== 'number';
}

function firstOf<T>(items: readonly T[], endpoint: string): T {
  const first = items[0];
  if (first === undefined) throw new AmocrmError('invalid_response', 'the answer lists nothing', { endpoint });
  return first;
}
