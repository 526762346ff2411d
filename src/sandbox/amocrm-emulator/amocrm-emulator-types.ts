/** The three CRM domains an account can live on (crm-rest §8); `platform` is 1 only for amocrm.ru. */
export type AccountDomain = 'amocrm.ru' | 'amocrm.com' | 'kommo.com';

export interface AccountSeed {
  readonly id: number;
  readonly subdomain: string;
  readonly domain: AccountDomain;
  /** The Chats API account id (a UUID), answered for `with=amojo_id`; never the numeric `id`. */
  readonly amojoId: string;
  readonly name?: string;
}

export interface UserSeed {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  readonly email?: string;
  readonly isAdmin: boolean;
}

/** An authorization code: 20 minutes, one exchange (crm-rest §1.4). */
export interface CodeRecord {
  readonly code: string;
  readonly accountId: number;
  readonly userId: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Where it came from: the widget install webhook, the popup, or a control call (the "copy the code" path). */
  readonly via: 'install' | 'popup' | 'control';
  usedAt?: number;
  revokedAt?: number;
}

/** One access + refresh pair, from a code exchange or a refresh. */
export interface TokenPairRecord {
  readonly id: number;
  readonly accountId: number;
  readonly userId: number;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly issuedAt: number;
  accessExpiresAt: number;
  readonly refreshExpiresAt: number;
  /** The pair whose refresh token this pair was minted from (absent for a code exchange). */
  readonly parentId?: number;
  /** Set when the refresh token is spent; the pair minted from it is `childId`. */
  refreshUsedAt?: number;
  childId?: number;
  revokedAt?: number;
  revokedWhy?: string;
}

/** One call the emulator made to the backend: the widget-install redirect or the disconnect hook. */
export interface BackendCall {
  readonly id: number;
  readonly kind: 'install' | 'disconnect';
  readonly accountId: number;
  readonly url: string;
  readonly at: number;
  /** `delivered` = some HTTP answer came back (its status is ignored, as amoCRM ignores it); else `failed`. */
  state: 'pending' | 'delivered' | 'failed';
  status?: number;
  /** `timeout` after 3 s, or the transport error. */
  error?: string;
  durationMs?: number;
}

export interface EmulatorStats {
  /** Successful code exchanges and refresh grants. */
  codeExchanges: number;
  refreshGrants: number;
  /** Refused token requests, in total and by reason (the `X-Emulator-Reject` value). */
  refusedGrants: number;
  refusedGrantsByReason: Record<string, number>;
  /** Every `/api/v4/*` request received, refused ones included, keyed by path without the query. */
  apiCalls: Record<string, number>;
  /** The same requests by the status they were answered with. */
  apiStatuses: Record<string, number>;
}

/** A pipeline to seed; without any for an account, it gets "Sales" (main), "Support" and an archived "Archive". */
export interface PipelineSeed {
  readonly id?: number;
  readonly accountId: number;
  readonly name: string;
  readonly isMain?: boolean;
  readonly isArchive?: boolean;
  readonly isUnsortedOn?: boolean;
  readonly sort?: number;
}

export interface StatusRecord {
  readonly id: number;
  readonly name: string;
  readonly sort: number;
  readonly isEditable: boolean;
  readonly color: string;
  /** 1 = the pipeline's Unsorted, 0 = a regular status (142 won and 143 lost included). */
  readonly type: 0 | 1;
}

export interface PipelineRecord {
  readonly id: number;
  readonly accountId: number;
  name: string;
  sort: number;
  isMain: boolean;
  isArchive: boolean;
  isUnsortedOn: boolean;
  readonly statuses: readonly StatusRecord[];
}

/** A contact to seed: phones and e-mails become PHONE / EMAIL multitext values (enum WORK). */
export interface ContactSeed {
  readonly id?: number;
  readonly accountId: number;
  readonly name: string;
  readonly phones?: readonly string[];
  readonly emails?: readonly string[];
  /** The account's first admin by default; a manager's token sees only the contacts they are responsible for. */
  readonly responsibleUserId?: number;
}

export interface ContactRecord {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly responsibleUserId: number;
  readonly createdAt: number;
}

/** A source of the integration in one account (crm-rest §4). Deleted ones are kept, marked, for the control API. */
export interface SourceRecord {
  readonly id: number;
  readonly accountId: number;
  name: string;
  readonly externalId: string;
  pipelineId: number;
  isDefault: boolean;
  originCode: string | null;
  services: unknown[];
  readonly createdAt: number;
  deletedAt?: number;
}

/** One chat-to-contact binding (crm-rest §5.1); a re-binding replaces it under a new id. */
export interface ChatBindingRecord {
  readonly id: number;
  readonly accountId: number;
  readonly chatId: string;
  readonly contactId: number;
  readonly boundAt: number;
  replacedAt?: number;
}
