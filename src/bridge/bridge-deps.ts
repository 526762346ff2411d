import type { Kysely } from 'kysely';
import type { Logger } from '../observability/create-logger';
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
}

export interface BridgeDeps {
  db: Kysely<Database>;
  /** Unix ms. */
  now: () => number;
  logger: Logger;
  /** Row ids (default randomUUID). */
  ids?: () => string;
  /** The channel bot (AMOJO_BOT_ID, AMOJO_BOT_NAME): authors imported business messages with no manager named. */
  bot?: ChannelBot | undefined;
  limits?: Partial<BridgeLimits>;
  /**
   * Opens a link's signing secret, e.g. `(link) => openLinkSecrets(box, link).signingSecret`. GET /me signs its
   * answer with it, so a messenger can check the secret it was given before a delivery fails on it.
   */
  signingSecretOf: (link: BridgeLink) => string;
  /** Called after work was queued, e.g. to wake the relay worker of this process. */
  onAccepted?: () => void;
}

export const defaultBridgeLimits: BridgeLimits = {
  bodyBytes: 256 * 1024,
  historyBodyBytes: 2 * 1024 * 1024,
  typingIntervalMs: 3000,
};
