import { z } from 'zod/mini';
import type { InboxDirectory, InboxDirectoryResolver } from './amocrm-page/build-inbox-state';

export interface SandboxInboxDirectoryOptions {
  /** The amoCRM emulator's origin (its control API lives under `/_control`). */
  readonly amocrmUrl: string;
  readonly accountId: number;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/**
 * The amoCRM emulator's control routes the inbox reads (its README, "Control API"), each filtered by `?accountId=`.
 * Each answers a JSON array (an object holding one under the route's name is taken too); a route the emulator does
 * not have (404) reads as empty, so the inbox degrades to external ids.
 */
export const directoryRoutes = {
  sources: '/_control/sources',
  pipelines: '/_control/pipelines',
  contacts: '/_control/contacts',
  bindings: '/_control/chat-bindings',
} as const;

const int = z.number().check(z.int());
const ofAccount = { accountId: z.optional(int), account_id: z.optional(int) };
// Loose and tolerant of either case: these are control views, not amoCRM's wire format, and a field the emulator adds
// must not blank the inbox.
const sourceRow = z.looseObject({
  ...ofAccount,
  name: z.string(),
  external_id: z.optional(z.string()),
  externalId: z.optional(z.string()),
  pipeline_id: z.optional(z.nullable(int)),
  pipelineId: z.optional(z.nullable(int)),
  /** The emulator keeps deleted sources, marked, for inspection: amoCRM no longer routes to them. */
  deletedAt: z.optional(z.number()),
});
const pipelineRow = z.looseObject({
  ...ofAccount,
  id: int,
  name: z.string(),
  is_main: z.optional(z.boolean()),
  isMain: z.optional(z.boolean()),
});
const contactRow = z.looseObject({ ...ofAccount, id: int, name: z.optional(z.nullable(z.string())) });
const bindingRow = z.looseObject({
  ...ofAccount,
  chat_id: z.optional(z.string()),
  chatId: z.optional(z.string()),
  contact_id: z.optional(int),
  contactId: z.optional(int),
  /** A re-binding replaces a binding under a new id; the replaced one is kept, marked. */
  replacedAt: z.optional(z.number()),
});

type AccountScoped = { accountId?: number | undefined; account_id?: number | undefined };

/**
 * The inbox's resolver in the sandbox: reads the account's sources, pipelines, contacts and chat bindings from the
 * amoCRM emulator's control API on each call (the inbox polls, so renames and new bindings show at once). Rows of
 * other accounts are left out when the emulator names their account.
 */
export function createSandboxInboxDirectory(options: SandboxInboxDirectoryOptions): InboxDirectoryResolver {
  const fetchJson = options.fetch ?? fetch;
  const base = options.amocrmUrl.replace(/\/+$/, '');
  const mine = (row: AccountScoped) => (row.accountId ?? row.account_id ?? options.accountId) === options.accountId;

  async function list<S extends z.core.$ZodType>(path: string, key: string, row: S): Promise<z.output<S>[]> {
    const url = `${base}${path}?accountId=${options.accountId}`;
    const response = await fetchJson(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
    if (response.status === 404 || response.status === 204) return [];
    if (!response.ok) throw new Error(`amoCRM emulator ${path} answered ${response.status}`);
    const body: unknown = await response.json();
    const items = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(items)) return [];
    return items.flatMap((item) => {
      const parsed = z.safeParse(row, item);
      return parsed.success && mine(parsed.data as AccountScoped) ? [parsed.data] : [];
    });
  }

  return async (): Promise<InboxDirectory> => {
    const [sources, pipelines, contacts, bindings] = await Promise.all([
      list(directoryRoutes.sources, 'sources', sourceRow),
      list(directoryRoutes.pipelines, 'pipelines', pipelineRow),
      list(directoryRoutes.contacts, 'contacts', contactRow),
      list(directoryRoutes.bindings, 'bindings', bindingRow),
    ]);
    const names = new Map(contacts.map((c) => [c.id, c.name ?? '']));
    const contactsByChat: Record<string, { id: number; name: string }> = {};
    for (const binding of bindings) {
      if (binding.replacedAt !== undefined) continue;
      const chatId = binding.chat_id ?? binding.chatId;
      const contactId = binding.contact_id ?? binding.contactId;
      if (chatId === undefined || contactId === undefined) continue;
      contactsByChat[chatId] = { id: contactId, name: names.get(contactId) || `Contact #${contactId}` };
    }
    return {
      sources: sources.flatMap((s) => {
        const externalId = s.external_id ?? s.externalId;
        return externalId === undefined || s.deletedAt !== undefined
          ? []
          : [{ externalId, name: s.name, pipelineId: s.pipeline_id ?? s.pipelineId ?? null }];
      }),
      pipelines: pipelines.map((p) => ({ id: p.id, name: p.name, isMain: p.is_main ?? p.isMain ?? false })),
      contactsByChat,
    };
  };
}
