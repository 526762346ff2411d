import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError, type AmocrmErrorCode } from '../../src/amocrm/amocrm-error';
import type { AccountAccess } from '../../src/amocrm/token-source';
import {
  type AccountResponse,
  type AmocrmChatBinding,
  type AmocrmContact,
  type AmocrmPipeline,
  type AmocrmSource,
  type SourceInput,
  sourceExternalId,
  sourceExternalIdMaxLength,
  type UserResponse,
} from '../../src/contracts/amocrm';
import { contactMatchesQuery } from '../../src/sandbox/amocrm-emulator/contact-matches-query';

/** One account as the fake amoCRM knows it. */
export interface FakeAccount {
  subdomain: string;
  amojoId: string;
  /** Users with `rights.is_admin: true`. */
  admins?: number[];
  /** Users without admin rights; any other user id is unknown to the account (404). */
  managers?: number[];
  /** The user the installation's token acts as (`current_user_id`); the first admin by default. */
  currentUserId?: number;
  /** The installation's token may not read users: `user()` answers null, as amoCRM's 403 is read. */
  usersForbidden?: boolean;
  /** The token `accountWith`/`userWith` accept for this account; `access-<account id>` by default. */
  accessToken?: string;
  /** The account's pipelines; FAKE_PIPELINES (main "Sales", "Support", an archived one) by default. */
  pipelines?: AmocrmPipeline[];
  /** Contacts `findContacts` searches and `bindChatToContact` binds to. */
  contacts?: FakeContact[];
}

/** A contact as a test seeds it; phones and e-mails become PHONE / EMAIL multitext values. */
export interface FakeContact {
  id: number;
  name?: string;
  phones?: string[];
  emails?: string[];
}

/** The default pipelines of every fake account: 3001 is the main one, 3003 is archived. */
export const FAKE_PIPELINES: readonly AmocrmPipeline[] = [
  { id: 3001, name: 'Sales', sort: 1, is_main: true, is_archive: false, is_unsorted_on: true },
  { id: 3002, name: 'Support', sort: 2, is_main: false, is_archive: false, is_unsorted_on: true },
  { id: 3003, name: 'Old leads', sort: 3, is_main: false, is_archive: true, is_unsorted_on: true },
];

/** amoCRM's limit on an integration's active sources (crm-rest §4.1). */
export const FAKE_SOURCE_LIMIT = 100;

export type FakeMethod =
  | 'account'
  | 'user'
  | 'sources'
  | 'createSource'
  | 'updateSource'
  | 'deleteSource'
  | 'pipelines'
  | 'findContacts'
  | 'bindChatToContact';

export interface FakeFailure {
  code: AmocrmErrorCode;
  /** Only this call fails; both by default. */
  method?: FakeMethod;
  /** How many calls fail before the account answers again; every one by default. */
  times?: number;
  retryAfterMs?: number;
}

export interface FakeCall {
  method: FakeMethod;
  accountId: number;
  userId?: number;
  externalIds?: readonly string[];
  sourceId?: number;
  /** What createSource / updateSource were given. */
  input?: Partial<SourceInput>;
  query?: string;
  chatId?: string;
  contactId?: number;
}

/** One account's CRM data: live sources by id, contacts, and chat bindings by amojo chat id. */
interface CrmData {
  sources: Map<number, AmocrmSource>;
  bindings: Map<string, AmocrmChatBinding>;
}

export type FakeAmocrmClient = ReturnType<typeof createFakeAmocrmClient>;

/**
 * An AmocrmClient over a table of accounts: each has its amojo id, its admins and managers, and queued failures.
 * Answers are parsed shapes as the real client returns them; every call is recorded, so a test can say that amoCRM
 * was (or was not) asked. Sources, pipelines, contacts and chat bindings are kept in memory with the rules of the
 * amoCRM emulator (src/sandbox/amocrm-emulator/README.md): 100 live sources, an immutable unique `external_id` of at
 * most 36 printable ASCII characters, an existing `pipeline_id`; a 400 there is `invalid_request`, as the real client
 * reads it. Contacts match a query as the emulator's search does (contact-matches-query.ts).
 */
export function createFakeAmocrmClient(accounts: Record<number, FakeAccount> = {}) {
  const table = new Map<number, FakeAccount>(Object.entries(accounts).map(([id, account]) => [Number(id), account]));
  const failures = new Map<number, FakeFailure[]>();
  const calls: FakeCall[] = [];
  const crm = new Map<number, CrmData>();
  let nextSourceId = 5001;
  let nextBindingId = 9001;

  function crmOf(accountId: number): CrmData {
    let data = crm.get(accountId);
    if (data === undefined) {
      data = { sources: new Map(), bindings: new Map() };
      crm.set(accountId, data);
    }
    return data;
  }

  function refuse(endpoint: string, code: string, path: string, detail: string): never {
    throw new AmocrmError('invalid_request', `400 Request validation failed (${code} at ${path})`, {
      endpoint,
      status: 400,
      details: {
        status: 400,
        detail: 'Request validation failed',
        'validation-errors': [{ request_id: '0', errors: [{ code, path, detail }] }],
      },
    });
  }

  function pipelinesOf(account: FakeAccount): AmocrmPipeline[] {
    return structuredClone([...(account.pipelines ?? FAKE_PIPELINES)]);
  }

  function checkPipeline(account: FakeAccount, pipelineId: number, endpoint: string): void {
    if (!pipelinesOf(account).some((pipeline) => pipeline.id === pipelineId)) {
      refuse(endpoint, 'NotFound', 'pipeline_id', `pipeline ${pipelineId} not found`);
    }
  }

  function mainPipelineId(account: FakeAccount): number {
    return (pipelinesOf(account).find((pipeline) => pipeline.is_main) ?? pipelinesOf(account)[0])?.id ?? 0;
  }

  function contactBody(contact: FakeContact): AmocrmContact {
    const field = (code: string, values: string[] | undefined) =>
      values === undefined || values.length === 0
        ? []
        : [{ field_code: code, values: values.map((value) => ({ value })) }];
    const fields = [...field('PHONE', contact.phones), ...field('EMAIL', contact.emails)];
    return { id: contact.id, name: contact.name ?? '', custom_fields_values: fields.length === 0 ? null : fields };
  }

  function known(accountId: number, endpoint: string): FakeAccount {
    const account = table.get(accountId);
    if (account === undefined) throw new AmocrmError('not_found', 'no such account', { endpoint, status: 404 });
    return account;
  }

  function failIfQueued(accountId: number, method: FakeMethod, endpoint: string): void {
    const queue = failures.get(accountId) ?? [];
    const failure = queue.find((f) => f.method === undefined || f.method === method);
    if (failure === undefined) return;
    if (failure.times !== undefined) {
      failure.times -= 1;
      if (failure.times <= 0) queue.splice(queue.indexOf(failure), 1);
    }
    throw new AmocrmError(failure.code, `fake failure ${failure.code}`, {
      endpoint,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
  }

  function accountOf(accountId: number): AccountResponse {
    const endpoint = 'GET /api/v4/account';
    failIfQueued(accountId, 'account', endpoint);
    const account = known(accountId, endpoint);
    return {
      id: accountId,
      subdomain: account.subdomain,
      current_user_id: account.currentUserId ?? account.admins?.[0] ?? 1,
      amojo_id: account.amojoId,
    };
  }

  function userOf(accountId: number, userId: number): UserResponse | null {
    const endpoint = 'GET /api/v4/users/{id}';
    failIfQueued(accountId, 'user', endpoint);
    const account = known(accountId, endpoint);
    if (account.usersForbidden) return null;
    if (account.admins?.includes(userId)) return { id: userId, rights: { is_admin: true } };
    if (account.managers?.includes(userId)) return { id: userId, rights: { is_admin: false } };
    throw new AmocrmError('not_found', 'no such user', { endpoint, status: 404 });
  }

  function accountIdOf(access: AccountAccess): number {
    for (const [id, account] of table) {
      if ((account.accessToken ?? `access-${id}`) === access.accessToken) return id;
    }
    throw new AmocrmError('unauthorized', 'unknown token', { endpoint: 'GET /api/v4/account', status: 401 });
  }

  const client: AmocrmClient = {
    async account(accountId) {
      calls.push({ method: 'account', accountId });
      return accountOf(accountId);
    },
    async user(accountId, userId) {
      calls.push({ method: 'user', accountId, userId });
      return userOf(accountId, userId);
    },
    async accountWith(access) {
      const accountId = accountIdOf(access);
      calls.push({ method: 'account', accountId });
      return accountOf(accountId);
    },
    async userWith(access, userId) {
      const accountId = accountIdOf(access);
      calls.push({ method: 'user', accountId, userId });
      return userOf(accountId, userId);
    },

    async sources(accountId, externalIds) {
      const endpoint = 'GET /api/v4/sources';
      calls.push({
        method: 'sources',
        accountId,
        ...(externalIds === undefined ? {} : { externalIds: [...externalIds] }),
      });
      failIfQueued(accountId, 'sources', endpoint);
      known(accountId, endpoint);
      const all = [...crmOf(accountId).sources.values()];
      const found = externalIds === undefined ? all : all.filter((source) => externalIds.includes(source.external_id));
      return structuredClone(found);
    },
    async createSource(accountId, input) {
      const endpoint = 'POST /api/v4/sources';
      calls.push({ method: 'createSource', accountId, input: { ...input } });
      failIfQueued(accountId, 'createSource', endpoint);
      const account = known(accountId, endpoint);
      const { sources } = crmOf(accountId);
      if (input.name.trim() === '') refuse(endpoint, 'FieldMissing', 'name', 'name is required');
      if (input.external_id.length > sourceExternalIdMaxLength) {
        refuse(endpoint, 'LengthExceeded', 'external_id', 'external_id is longer than 36 characters');
      }
      if (!sourceExternalId.safeParse(input.external_id).success) {
        refuse(endpoint, 'InvalidFormat', 'external_id', 'external_id must be 1-36 printable ASCII characters');
      }
      if ([...sources.values()].some((source) => source.external_id === input.external_id)) {
        refuse(endpoint, 'NotUnique', 'external_id', 'a source with this external_id exists');
      }
      if (input.pipeline_id !== null) checkPipeline(account, input.pipeline_id, endpoint);
      if (sources.size >= FAKE_SOURCE_LIMIT) refuse(endpoint, 'LimitExceeded', '', 'at most 100 active sources');
      const source: AmocrmSource = {
        id: nextSourceId++,
        name: input.name,
        external_id: input.external_id,
        pipeline_id: input.pipeline_id ?? mainPipelineId(account),
        default: false,
        origin_code: null,
      };
      sources.set(source.id, source);
      return structuredClone(source);
    },
    async updateSource(accountId, sourceId, patch) {
      const endpoint = 'PATCH /api/v4/sources/{id}';
      calls.push({ method: 'updateSource', accountId, sourceId, input: { ...patch } });
      failIfQueued(accountId, 'updateSource', endpoint);
      const account = known(accountId, endpoint);
      const source = crmOf(accountId).sources.get(sourceId);
      if (source === undefined) throw new AmocrmError('not_found', '404 source not found', { endpoint, status: 404 });
      if (patch.name.trim() === '') refuse(endpoint, 'FieldMissing', 'name', 'name must not be empty');
      if (patch.pipeline_id !== null) checkPipeline(account, patch.pipeline_id, endpoint);
      source.name = patch.name;
      source.pipeline_id = patch.pipeline_id ?? mainPipelineId(account);
      return structuredClone(source);
    },
    async deleteSource(accountId, sourceId) {
      const endpoint = 'DELETE /api/v4/sources/{id}';
      calls.push({ method: 'deleteSource', accountId, sourceId });
      failIfQueued(accountId, 'deleteSource', endpoint);
      known(accountId, endpoint);
      // The real client resolves amoCRM's 404 too: gone is what was asked for.
      crmOf(accountId).sources.delete(sourceId);
    },
    async pipelines(accountId) {
      const endpoint = 'GET /api/v4/leads/pipelines';
      calls.push({ method: 'pipelines', accountId });
      failIfQueued(accountId, 'pipelines', endpoint);
      return pipelinesOf(known(accountId, endpoint));
    },
    async findContacts(accountId, query, limit = 50) {
      const endpoint = 'GET /api/v4/contacts';
      calls.push({ method: 'findContacts', accountId, query });
      failIfQueued(accountId, 'findContacts', endpoint);
      const account = known(accountId, endpoint);
      const found = (account.contacts ?? []).filter((contact) =>
        contactMatchesQuery(
          { name: contact.name ?? '', phones: contact.phones ?? [], emails: contact.emails ?? [] },
          query,
        ),
      );
      return found.slice(0, limit).map(contactBody);
    },
    async bindChatToContact(accountId, chatId, contactId) {
      const endpoint = 'POST /api/v4/contacts/chats';
      calls.push({ method: 'bindChatToContact', accountId, chatId, contactId });
      failIfQueued(accountId, 'bindChatToContact', endpoint);
      const account = known(accountId, endpoint);
      if (!(account.contacts ?? []).some((contact) => contact.id === contactId)) {
        refuse(endpoint, 'NotFound', 'contact_id', `contact ${contactId} not found`);
      }
      // A chat has one contact; binding it again replaces the binding, under a new id (crm-rest §5.1).
      const binding: AmocrmChatBinding = { chat_id: chatId, contact_id: contactId, id: nextBindingId++ };
      crmOf(accountId).bindings.set(chatId, binding);
      return { ...binding };
    },
  };

  return {
    client,
    calls,
    /** Adds an account, or changes what amoCRM reports for one (a new amojo id, a demoted admin). */
    setAccount(accountId: number, patch: Partial<FakeAccount>): void {
      const current = table.get(accountId);
      table.set(accountId, { subdomain: 'account', amojoId: '', ...current, ...patch });
    },
    /** Queues a failure for the account's next calls. */
    fail(accountId: number, failure: FakeFailure): void {
      failures.set(accountId, [...(failures.get(accountId) ?? []), { ...failure }]);
    },
    /** The account's live sources, as amoCRM holds them now. */
    sourcesOf(accountId: number): AmocrmSource[] {
      return structuredClone([...crmOf(accountId).sources.values()]);
    },
    /** A source made in amoCRM without our client (a leftover, or one a test wants found). */
    putSource(
      accountId: number,
      source: { id?: number; name: string; external_id: string; pipeline_id?: number | null; default?: boolean },
    ): AmocrmSource {
      const stored: AmocrmSource = { ...source, id: source.id ?? nextSourceId++ };
      crmOf(accountId).sources.set(stored.id, stored);
      return structuredClone(stored);
    },
    /** A source deleted in amoCRM behind our back. */
    dropSource(accountId: number, sourceId: number): void {
      crmOf(accountId).sources.delete(sourceId);
    },
    /** Adds a contact to the account (the account must exist). */
    addContact(accountId: number, contact: FakeContact): void {
      const account = table.get(accountId);
      if (account === undefined) throw new Error(`fake amoCRM: no account ${accountId}`);
      account.contacts = [...(account.contacts ?? []), contact];
    },
    /** The account's chat bindings by amojo chat id. */
    bindingsOf(accountId: number): AmocrmChatBinding[] {
      return [...crmOf(accountId).bindings.values()].map((binding) => ({ ...binding }));
    },
    /** The calls of one kind made so far. */
    callsOf(method: FakeMethod): FakeCall[] {
      return calls.filter((call) => call.method === method);
    },
  };
}
