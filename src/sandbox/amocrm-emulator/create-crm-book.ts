import type {
  ChatBindingRecord,
  ContactRecord,
  ContactSeed,
  PipelineRecord,
  PipelineSeed,
  SourceRecord,
  StatusRecord,
} from './amocrm-emulator-types';

/** The CRM data of every account: pipelines, contacts, the integration's sources and the chat bindings. */
export interface CrmBook {
  /** The account's pipelines by `sort`, then id. */
  pipelines(accountId: number): PipelineRecord[];
  pipeline(accountId: number, pipelineId: number): PipelineRecord | undefined;
  findPipeline(pipelineId: number): PipelineRecord | undefined;
  /** A new pipeline; `isMain` makes it the account's only main one. */
  addPipeline(seed: PipelineSeed): PipelineRecord;
  removePipeline(pipelineId: number): void;
  contacts(accountId: number): ContactRecord[];
  contact(accountId: number, contactId: number): ContactRecord | undefined;
  addContact(seed: ContactSeed & { responsibleUserId: number }): ContactRecord;
  /** Every source ever created, deleted ones too (`deletedAt`), in creation order; all accounts without an id. */
  sources(accountId?: number): SourceRecord[];
  liveSources(accountId: number): SourceRecord[];
  /** A live source of the account. */
  liveSource(accountId: number, sourceId: number): SourceRecord | undefined;
  addSource(source: Omit<SourceRecord, 'id' | 'createdAt'>): SourceRecord;
  /** Bindings, replaced ones too (`replacedAt`), oldest first; all accounts without an id. */
  bindings(accountId?: number): ChatBindingRecord[];
  /** Binds the chat to the contact under a new id, replacing the chat's current binding (crm-rest §5.1). */
  bind(accountId: number, chatId: string, contactId: number): ChatBindingRecord;
}

/** Ids from separate ranges, so a test that mixes them up fails instead of finding another record by chance. */
const FIRST_ID = {
  pipeline: 7_000_001,
  status: 40_000_001,
  contact: 20_000_001,
  source: 9_000_001,
  binding: 60_000_001,
};
const UNSORTED_COLOR = '#c1c1c1';

export function createCrmBook(now: () => Date): CrmBook {
  const pipelines = new Map<number, PipelineRecord>();
  const contacts = new Map<number, ContactRecord>();
  const sources: SourceRecord[] = [];
  const bindings: ChatBindingRecord[] = [];
  const next = { ...FIRST_ID };
  const take = (kind: keyof typeof next, wanted?: number): number => {
    if (wanted !== undefined) {
      next[kind] = Math.max(next[kind], wanted + 1);
      return wanted;
    }
    return next[kind]++;
  };

  function statusesOf(): StatusRecord[] {
    // 142 and 143 are the same two ids in every pipeline of every account (leads_pipelines.md).
    return [
      { id: take('status'), name: 'Unsorted', sort: 10, isEditable: false, color: UNSORTED_COLOR, type: 1 },
      { id: take('status'), name: 'First contact', sort: 20, isEditable: true, color: '#99ccff', type: 0 },
      { id: 142, name: 'Closed - won', sort: 10_000, isEditable: false, color: '#CCFF66', type: 0 },
      { id: 143, name: 'Closed - lost', sort: 11_000, isEditable: false, color: '#D5D8DB', type: 0 },
    ];
  }

  const accountPipelines = (accountId: number) =>
    [...pipelines.values()]
      .filter((pipeline) => pipeline.accountId === accountId)
      .sort((a, b) => a.sort - b.sort || a.id - b.id);

  return {
    pipelines: accountPipelines,
    pipeline: (accountId, pipelineId) => {
      const found = pipelines.get(pipelineId);
      return found?.accountId === accountId ? found : undefined;
    },
    findPipeline: (pipelineId) => pipelines.get(pipelineId),
    addPipeline(seed) {
      if (seed.id !== undefined && pipelines.has(seed.id)) throw new Error(`pipeline ${seed.id} exists`);
      const existing = accountPipelines(seed.accountId);
      const isMain = seed.isMain ?? existing.length === 0;
      if (isMain) for (const other of existing) other.isMain = false;
      const record: PipelineRecord = {
        id: take('pipeline', seed.id),
        accountId: seed.accountId,
        name: seed.name,
        sort: seed.sort ?? (existing.at(-1)?.sort ?? 0) + 1,
        isMain,
        isArchive: seed.isArchive ?? false,
        isUnsortedOn: seed.isUnsortedOn ?? true,
        statuses: statusesOf(),
      };
      pipelines.set(record.id, record);
      return record;
    },
    removePipeline: (pipelineId) => void pipelines.delete(pipelineId),

    contacts: (accountId) => [...contacts.values()].filter((contact) => contact.accountId === accountId),
    contact: (accountId, contactId) => {
      const found = contacts.get(contactId);
      return found?.accountId === accountId ? found : undefined;
    },
    addContact(seed) {
      if (seed.id !== undefined && contacts.has(seed.id)) throw new Error(`contact ${seed.id} exists`);
      const record: ContactRecord = {
        id: take('contact', seed.id),
        accountId: seed.accountId,
        name: seed.name,
        phones: [...(seed.phones ?? [])],
        emails: [...(seed.emails ?? [])],
        responsibleUserId: seed.responsibleUserId,
        createdAt: Math.floor(now().getTime() / 1000),
      };
      contacts.set(record.id, record);
      return record;
    },

    sources: (accountId) => sources.filter((source) => accountId === undefined || source.accountId === accountId),
    liveSources: (accountId) =>
      sources.filter((source) => source.accountId === accountId && source.deletedAt === undefined),
    liveSource: (accountId, sourceId) =>
      sources.find(
        (source) => source.id === sourceId && source.accountId === accountId && source.deletedAt === undefined,
      ),
    addSource(source) {
      const record: SourceRecord = { ...source, id: take('source'), createdAt: Math.floor(now().getTime() / 1000) };
      sources.push(record);
      return record;
    },

    bindings: (accountId) => bindings.filter((binding) => accountId === undefined || binding.accountId === accountId),
    bind(accountId, chatId, contactId) {
      const at = now().getTime();
      for (const old of bindings) {
        if (old.accountId === accountId && old.chatId === chatId && old.replacedAt === undefined) old.replacedAt = at;
      }
      const record: ChatBindingRecord = { id: take('binding'), accountId, chatId, contactId, boundAt: at };
      bindings.push(record);
      return record;
    },
  };
}
