import type { Kysely } from 'kysely';
import type { Logger } from '../observability/create-logger';
import type { RateLimiter } from '../store/create-memory-rate-limits';
import type { OpenedDatabase } from '../store/open-database';
import type { Database } from '../store/schema';
import type { BridgeLink } from './authenticate-bridge';
import type { ChannelBot } from './to-amojo-history-message';

export interface BridgeLimits {
  /** Largest body of a single-message request (default 256 KB). */
  bodyBytes: number;
  /** Largest history-import batch (default 2 MB). */
  historyBodyBytes: number;
  /** At most one typing call to amoCRM per conversation in this many ms (default 3000). */
  typingIntervalMs: number;
  /**
   * Requests per link (one API key, every endpoint) in each 1-second window, shared by all instances through the
   * database (default 200; `Infinity` counts nothing). Past it: 429 rate_limited with Retry-After.
   */
  requestsPerSecond: number;
}

export interface BridgeDeps {
  db: Kysely<Database>;
  /** Unix ms. */
  now: () => number;
  logger: Logger;
  /**
   * OpenedDatabase.sqliteIn of `db` when it is SQLite: the message committer then runs each message's statements on
   * the raw handle inside its transaction (prepare-bridge-accept-sqlite.ts). Absent, everything goes through `db`.
   */
  sqliteIn?: OpenedDatabase['sqliteIn'];
  /** Row ids (default randomUUID; a client message's rows timeOrderedId). */
  ids?: () => string;
  /** The channel bot (AMOJO_BOT_ID, AMOJO_BOT_NAME): authors imported business messages with no manager named. */
  bot?: ChannelBot | undefined;
  limits?: Partial<BridgeLimits>;
  /**
   * Opens a link's signing secret, e.g. `(link) => openLinkSecrets(box, link).signingSecret`. GET /me signs its
   * answer with it, so a messenger can check the secret it was given before a delivery fails on it.
   */
  signingSecretOf: (link: BridgeLink) => string;
  /**
   * Counts bridge requests per key: stored by default (shared by every instance on one PostgreSQL); the backend
   * passes the in-memory twin on SQLite, where one process owns the database (create-memory-rate-limits.ts).
   */
  rateLimiter?: RateLimiter;
  /** Called after work was queued, e.g. to wake the relay worker of this process. */
  onAccepted?: () => void;
}

export const defaultBridgeLimits: BridgeLimits = {
  bodyBytes: 256 * 1024,
  historyBodyBytes: 2 * 1024 * 1024,
  typingIntervalMs: 3000,
  // Generous on purpose (docs/decisions.md, "Rate limits"): a busy messenger's peaks stay far below it, while a
  // runaway loop is held to what keeps one link from taking most of a process's relay.
  requestsPerSecond: 200,
};
