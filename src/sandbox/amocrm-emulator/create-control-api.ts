import { ControlError } from '../control-api/control-error';
import { parseControlInput } from '../control-api/parse-control-input';
import { accountRedirectParams } from './account-redirect-params';
import type {
  AccountSeed,
  BackendCall,
  ChatBindingRecord,
  CodeRecord,
  ContactRecord,
  EmulatorStats,
  PipelineRecord,
  SourceRecord,
  TokenPairRecord,
  UserSeed,
} from './amocrm-emulator-types';
import { callBackend } from './call-backend';
import {
  type ContactInput,
  contactInput,
  type FaultInput,
  faultInput,
  type PipelineInput,
  pipelineInput,
} from './control-schemas';
import { disconnectSignature } from './disconnect-signature';
import type { EmulatorContext } from './emulator-context';
import type { FaultsView } from './endpoint-faults';
import { redirectWith } from './redirect-with';

export interface AccountView extends AccountSeed {
  readonly installed: boolean;
  readonly currentUserId: number;
}

/** What the sandbox page and tests drive; over HTTP under /_control. Results are copies. */
export interface ControlApi {
  /**
   * The widget is installed (crm-rest §1.2): marks the integration installed, issues a code for the user (an admin;
   * the current user by default) and calls the Redirect URI with `code, referer, from_widget=1, platform`, once, 3 s,
   * its answer ignored. Resolves after that call with the code and the recorded call.
   */
  install(accountId: number, userId?: number): Promise<{ code: string; delivery: BackendCall }>;
  /**
   * The integration is switched off: not installed, every code and token of the account revoked, and the signed
   * disconnect hook sent (crm-rest §1.8) when a hook URL is set. A no-op (`delivery: null`) when not installed.
   */
  uninstall(accountId: number): Promise<{ delivery: BackendCall | null }>;
  isInstalled(accountId: number): boolean;
  currentUser(accountId: number): UserSeed;
  setCurrentUser(accountId: number, userId: number): void;
  /** A code as if copied from the integration's modal; the integration must be installed in the account. */
  issueCode(accountId: number, userId: number): CodeRecord;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Makes the live access tokens (of one account, or all) expired; answers how many. Refresh tokens keep working. */
  expireAccessTokens(accountId?: number): number;
  /** Requests per sliding second per account; `null` switches the limit off. */
  setRateLimit(perSecond: number | null): void;
  /** Queue a status, set a latency, or switch "refuse refresh" (see control-schemas `faultInput`). */
  fault(input: FaultInput): FaultsView;
  clearFaults(): void;
  faults(): FaultsView;
  listAccounts(): AccountView[];
  listHookDeliveries(): BackendCall[];
  listCodes(): CodeRecord[];
  listTokenPairs(): TokenPairRecord[];
  stats(): EmulatorStats;
  settings(): { accessTokenTtlSeconds: number; rateLimitPerSecond: number | null };
  /** The popup's Allow: installs (without the install call; the browser carries the code) and issues a code. */
  grantFromPopup(accountId: number): CodeRecord;

  /** A new pipeline in the account (`isMain` takes "main" from the old one); its four statuses come with it. */
  addPipeline(input: PipelineInput): PipelineRecord;
  /** Archives or restores a pipeline; sources keep pointing at it, as amoCRM allows. */
  setPipelineArchived(pipelineId: number, archived: boolean): PipelineRecord;
  /** Deletes a pipeline (not the main one: 409). Sources that point at it keep its id. */
  removePipeline(pipelineId: number): void;
  listPipelines(accountId?: number): PipelineRecord[];
  /** A new contact; the responsible user is the account's current user unless named (a user of that account). */
  addContact(input: ContactInput): ContactRecord;
  listContacts(accountId?: number): ContactRecord[];
  /** The integration's sources, deleted ones too (`deletedAt`), in creation order. */
  listSources(accountId?: number): SourceRecord[];
  /** Chat bindings, replaced ones too (`replacedAt`), oldest first. */
  listChatBindings(accountId?: number): ChatBindingRecord[];
}

export function createControlApi(ctx: EmulatorContext): ControlApi {
  const accountOf = (accountId: number): AccountSeed => {
    const account = ctx.accounts.get(accountId);
    if (!account) throw new ControlError(404, `no account ${accountId}`);
    return account;
  };
  const userOf = (accountId: number, userId: number): UserSeed => {
    const user = ctx.users.get(userId);
    if (!user || user.accountId !== accountId) throw new ControlError(404, `no user ${userId} in account ${accountId}`);
    return user;
  };
  const pipelineOf = (pipelineId: number): PipelineRecord => {
    const pipeline = ctx.crm.findPipeline(pipelineId);
    if (!pipeline) throw new ControlError(404, `no pipeline ${pipelineId}`);
    return pipeline;
  };
  const eachAccount = (accountId: number | undefined): number[] =>
    accountId === undefined ? [...ctx.accounts.keys()] : [accountOf(accountId).id];
  const currentUser = (accountId: number): UserSeed => {
    accountOf(accountId);
    return userOf(accountId, ctx.currentUsers.get(accountId)!);
  };

  const api: ControlApi = {
    async install(accountId, userId) {
      const account = accountOf(accountId);
      const user = userId === undefined ? currentUser(accountId) : userOf(accountId, userId);
      // Only admins install integrations; the code carries the installer's rights.
      if (!user.isAdmin) throw new ControlError(403, `user ${user.id} is not an admin of account ${accountId}`);
      ctx.installed.add(accountId);
      const code = ctx.grants.issueCode(accountId, user.id, 'install');
      const { referer, platform } = accountRedirectParams(account);
      const url = redirectWith(ctx.redirectUri, { code: code.code, referer, from_widget: '1', platform });
      const delivery = await callBackend(ctx, 'install', accountId, url);
      return { code: code.code, delivery: structuredClone(delivery) };
    },

    async uninstall(accountId) {
      accountOf(accountId);
      if (!ctx.installed.has(accountId)) return { delivery: null };
      ctx.installed.delete(accountId);
      ctx.grants.revokeAccount(accountId, 'integration uninstalled');
      if (ctx.disconnectHookUrl === undefined) return { delivery: null };
      const url = redirectWith(ctx.disconnectHookUrl, {
        account_id: String(accountId),
        client_uuid: ctx.clientId,
        signature: disconnectSignature(ctx.clientId, accountId, ctx.clientSecret),
      });
      return { delivery: structuredClone(await callBackend(ctx, 'disconnect', accountId, url)) };
    },

    isInstalled: (accountId) => ctx.installed.has(accountOf(accountId).id),
    currentUser: (accountId) => structuredClone(currentUser(accountId)),

    setCurrentUser(accountId, userId) {
      accountOf(accountId);
      userOf(accountId, userId);
      ctx.currentUsers.set(accountId, userId);
    },

    issueCode(accountId, userId) {
      accountOf(accountId);
      userOf(accountId, userId);
      if (!ctx.installed.has(accountId)) {
        throw new ControlError(409, `the integration is not installed in account ${accountId}`);
      }
      return structuredClone(ctx.grants.issueCode(accountId, userId, 'control'));
    },

    setAccessTokenTtl(seconds) {
      if (!Number.isInteger(seconds) || seconds < 1) throw new ControlError(400, 'seconds must be a positive integer');
      ctx.settings.accessTokenTtlSeconds = seconds;
    },

    expireAccessTokens(accountId) {
      if (accountId !== undefined) accountOf(accountId);
      return ctx.grants.expireAccess(accountId);
    },

    setRateLimit(perSecond) {
      if (perSecond !== null && (!Number.isInteger(perSecond) || perSecond < 1)) {
        throw new ControlError(400, 'perSecond must be a positive integer or null');
      }
      ctx.limiter.setLimit(perSecond);
    },

    fault(raw) {
      const input = parseControlInput(faultInput, raw);
      if ('refuseRefresh' in input) ctx.faults.setRefuseRefresh(input.refuseRefresh);
      else if ('latencyMs' in input) ctx.faults.setLatency(input.endpoint, input.latencyMs);
      else {
        const retryAfter = input.retryAfter === undefined ? {} : { retryAfter: input.retryAfter };
        ctx.faults.addStatus(input.endpoint, { status: input.status, ...retryAfter }, input.count);
      }
      return ctx.faults.view();
    },

    clearFaults: () => ctx.faults.clear(),
    faults: () => ctx.faults.view(),

    listAccounts: () =>
      [...ctx.accounts.values()].map((account) => ({
        ...structuredClone(account),
        installed: ctx.installed.has(account.id),
        currentUserId: ctx.currentUsers.get(account.id)!,
      })),
    listHookDeliveries: () => structuredClone(ctx.calls),
    listCodes: () => structuredClone([...ctx.grants.codes()]),
    listTokenPairs: () => structuredClone([...ctx.grants.pairs()]),
    stats: () => structuredClone(ctx.stats),
    settings: () => ({
      accessTokenTtlSeconds: ctx.settings.accessTokenTtlSeconds,
      rateLimitPerSecond: ctx.limiter.limit(),
    }),

    grantFromPopup(accountId) {
      const user = currentUser(accountId);
      // crm-rest §1.11: first access (integration not installed) is an admin's to grant.
      if (!ctx.installed.has(accountId) && !user.isAdmin) {
        throw new ControlError(403, `only an admin may grant first access in account ${accountId}`);
      }
      ctx.installed.add(accountId);
      return structuredClone(ctx.grants.issueCode(accountId, user.id, 'popup'));
    },

    addPipeline(raw) {
      const input = parseControlInput(pipelineInput, raw);
      accountOf(input.accountId);
      if (input.id !== undefined && ctx.crm.findPipeline(input.id)) {
        throw new ControlError(409, `pipeline ${input.id} exists`);
      }
      return structuredClone(ctx.crm.addPipeline(input));
    },
    setPipelineArchived(pipelineId, archived) {
      const pipeline = pipelineOf(pipelineId);
      pipeline.isArchive = archived;
      return structuredClone(pipeline);
    },
    removePipeline(pipelineId) {
      const pipeline = pipelineOf(pipelineId);
      // amoCRM keeps one main pipeline per account; remove it only after another has taken its place.
      if (pipeline.isMain) throw new ControlError(409, `pipeline ${pipelineId} is the main pipeline`);
      ctx.crm.removePipeline(pipelineId);
    },
    listPipelines: (accountId) => structuredClone(eachAccount(accountId).flatMap((id) => ctx.crm.pipelines(id))),
    addContact(raw) {
      const input = parseControlInput(contactInput, raw);
      accountOf(input.accountId);
      const responsible = input.responsibleUserId ?? currentUser(input.accountId).id;
      userOf(input.accountId, responsible);
      if (input.id !== undefined && ctx.crm.contact(input.accountId, input.id)) {
        throw new ControlError(409, `contact ${input.id} exists`);
      }
      return structuredClone(ctx.crm.addContact({ ...input, responsibleUserId: responsible }));
    },
    listContacts: (accountId) => structuredClone(eachAccount(accountId).flatMap((id) => ctx.crm.contacts(id))),
    listSources: (accountId) => {
      if (accountId !== undefined) accountOf(accountId);
      return structuredClone(ctx.crm.sources(accountId));
    },
    listChatBindings: (accountId) => {
      if (accountId !== undefined) accountOf(accountId);
      return structuredClone(ctx.crm.bindings(accountId));
    },
  };
  return api;
}
