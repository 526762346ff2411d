import type { Generated, Insertable, Selectable } from 'kysely';

// Names here are camelCase; Kysely's CamelCasePlugin maps them to the snake_case columns the migrations create.
// Times are integer milliseconds since the epoch and flags are 0/1 integers, so the same SQL runs on SQLite and
// PostgreSQL without type mapping.

/** An amoCRM account as the one-time token names it, bound for good to the account's chat (amojo) id. */
export interface AccountsTable {
  accountId: number;
  subdomain: string;
  /** amojo host family the account lives on: `ru`, `com` or `kommo`. */
  region: string;
  /** Lower case (see normalizeAmojoId); compare it with a lower-cased value only. */
  amojoId: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * One messenger number or bot of an account (up to 100 live ones), kept (credentials purged) after unlinking. All live
 * links of an account share its one amojo scope; the PRIMARY link is the oldest live one (links-repo.ts).
 */
export interface LinksTable {
  id: string;
  accountId: number;
  /** amojo scope id, the account's (shared by all its live links); null while unlinked. */
  scopeId: string | null;
  title: string;
  timeWindowDisabled: number;
  /** Where manager messages are delivered to the messenger. */
  webhookUrl: string | null;
  /** SHA-256 of the bridge API key, hex; the key itself is shown once and never stored. */
  bridgeKeyHash: string | null;
  /** Secret that signs deliveries to the messenger, sealed with DATA_ENCRYPTION_KEY (see secret-box.ts). */
  signingSecretEnc: string | null;
  linkedAt: number | null;
  unlinkedAt: number | null;
  /**
   * 1 from the write before amojo's connect until the connect answered: the scope's hooks are accepted (amojo may
   * send them at once) and delivered, but the panel does not show the link as linked, since its key was never shown.
   */
  pending: Generated<number>;
  /** Set while the account's installation is removed: the link's jobs wait as `parked` (kept, not lost). */
  parkedAt: number | null;
  /** amoCRM pipeline the link's source routes new chats to; null for amoCRM's main pipeline. */
  pipelineId: number | null;
  /** amoCRM's id of the link's source (`external_id` = the link id), once created. */
  sourceId: number | null;
  /** `pending` until amoCRM holds the source as the link says (`synced`), or refused it (`failed`). */
  sourceState: Generated<LinkSourceState>;
  /** Why amoCRM refused the source (an AmocrmError code), while `failed`. */
  sourceError: string | null;
  createdAt: number;
  updatedAt: number;
}

export type LinkSourceState = 'pending' | 'synced' | 'failed';

/** How far the binding of a conversation's amojo chat to an amoCRM contact got; null when no hint ever came. */
export type ContactState = 'pending' | 'bound' | 'not_found' | 'ambiguous' | 'failed' | 'crm';

export interface ConversationsTable {
  id: string;
  linkId: string;
  /** Our `conversation_id` at amojo; null for a write-first chat until the messenger names it. */
  conversationId: string | null;
  /** amojo's chat id (`conversation.id` in hooks, `id` from create-chat). */
  amojoChatId: string | null;
  participantId: string | null;
  /** Write-first: the phone the manager picked, and the source it was picked under. */
  phone: string | null;
  sourceExternalId: string | null;
  /** 1 while the next client message must carry `conversation_ref_id` and `sender.ref_id` (write-first binding). */
  refPending: number;
  /** Last client message time; the time window is tracked here because amojo offers no query for it. */
  lastInboundAt: number | null;
  /** The bridge's contact hint (JSON), kept from the first request that carried one until the binding ran. */
  contactHint: string | null;
  /** The amoCRM contact the chat is bound to. */
  contactId: number | null;
  contactState: ContactState | null;
  createdAt: number;
  updatedAt: number;
}

export interface ParticipantsTable {
  id: string;
  linkId: string;
  /** Our `sender.id` / `receiver.id` at amojo (amojo echoes it as `client_id`). */
  clientId: string | null;
  /** amojo's participant id (`ref_id`). */
  amojoUserId: string | null;
  name: string | null;
  phone: string | null;
  createdAt: number;
  updatedAt: number;
}

export type MessageDirection = 'in' | 'out';

export interface MessagesTable {
  id: string;
  linkId: string;
  conversationRowId: string;
  /** `in`: client to CRM; `out`: manager to client. */
  direction: MessageDirection;
  /** Our `msgid` at amojo (derived from the messenger's id for inbound messages). */
  ourMsgid: string | null;
  amojoMsgId: string | null;
  /** amojo delivery status: 0 sent, 1 delivered, 2 read, -1 error; see messages-repo.ts for the order. */
  status: number;
  errorCode: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Every hook accepted at the door, kept for deduplication; work it causes goes to the outbox. */
export interface InboxTable {
  dedupeKey: string;
  linkId: string | null;
  kind: string;
  payload: string;
  receivedAt: number;
}

/** `parked`: held while the link's installation is removed; never claimed, due again once unparked. */
export type OutboxStatus = 'pending' | 'leased' | 'done' | 'dead' | 'parked';

export interface OutboxTable {
  /** Monotonic; it is also the order of jobs that share an ordering key. */
  id: Generated<number>;
  idempotencyKey: string;
  kind: string;
  linkId: string | null;
  /** Jobs with the same key run one at a time, oldest first (one conversation's messages). */
  orderingKey: string | null;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  /**
   * Claims that took the job over from a worker whose lease ran out (0012): not counted against the retry budget,
   * which is `attempts - lostLeases`; `attempts` alone stays the fencing token.
   */
  lostLeases: Generated<number>;
  /**
   * 1 on its ordering key's head, the oldest live job (lowest id, pending or leased), else 0 (0014); keyless jobs are
   * never heads. recomputeHeads keeps it so in the transaction of every write that changes which jobs are live.
   */
  isHead: Generated<number>;
  /** pending: earliest next attempt; leased: lease expiry, after which the job can be claimed again. */
  availableAt: number;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** `jti` values of one-time tokens already used, kept until the token would have expired anyway. */
export interface TokenIdsTable {
  jti: string;
  expiresAt: number;
}

/** A fixed-window hit counter per limited key (rate-limits-repo.ts); the row is reused window after window. */
export interface RateLimitsTable {
  key: string;
  /** Start of the window the count belongs to, Unix ms. */
  windowStart: number;
  hits: number;
}

/** An amoCRM account that installed the integration (installations-repo.ts): the source of truth for its tokens. */
export interface InstallationsTable {
  accountId: number;
  subdomain: string;
  /** `amocrm.ru`, `amocrm.com` or `kommo.com` (account-hosts.ts). */
  domain: string;
  region: string;
  /** Lower case (normalizeAmojoId), as amoCRM's `GET /api/v4/account?with=amojo_id` told it. */
  amojoId: string;
  /** amoCRM user id whose grant installed it. */
  installedBy: number | null;
  installedAt: number;
  /** `active`, `needs_reauthorization` (amoCRM refused our refresh token) or `removed` (uninstalled). */
  state: 'active' | 'needs_reauthorization' | 'removed';
  /** Sealed with DATA_ENCRYPTION_KEY under the account's context (installationTokenContext); null once removed. */
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessExpiresAt: number | null;
  /** +1 on every stored token pair: a refresh stores its pair only if the version it read is still current. */
  tokenVersion: Generated<number>;
  amojoCheckedAt: number;
  removedAt: number | null;
  updatedAt: number;
}

/** A named lock that expires, with a counter that grows on every acquisition by a new holder (leases-repo.ts). */
export interface LeasesTable {
  name: string;
  owner: string;
  counter: number;
  expiresAt: number;
}

/**
 * The circuit breaker of a link's messenger webhook (delivery-breaker-repo.ts): a row exists only while the link has
 * a streak of outage failures (5xx, 429, timeouts, unreachable, refused by the egress guard) against `webhookUrl`.
 */
export interface DeliveryBreakersTable {
  linkId: string;
  /** The URL the streak was counted against; a link now saved with another URL has a closed breaker. */
  webhookUrl: string;
  /** Consecutive outage failures. */
  failures: number;
  /** The first failure of the streak. */
  failingSince: number;
  /** Null while closed; deliveries wait until then, and the first one after it probes. */
  openUntil: number | null;
  /** How often the breaker opened in this streak: the exponent of its backoff. */
  openings: number;
  /** A probe is in flight until then; a worker that died on it frees the breaker once it passes. */
  probeUntil: number | null;
  updatedAt: number;
}

export interface Database {
  accounts: AccountsTable;
  links: LinksTable;
  conversations: ConversationsTable;
  participants: ParticipantsTable;
  messages: MessagesTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  tokenIds: TokenIdsTable;
  rateLimits: RateLimitsTable;
  installations: InstallationsTable;
  leases: LeasesTable;
  deliveryBreakers: DeliveryBreakersTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type LinkRow = Selectable<LinksTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type InboxRow = Selectable<InboxTable>;
export type NewInboxRow = Insertable<InboxTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type DeliveryBreakerRow = Selectable<DeliveryBreakersTable>;
