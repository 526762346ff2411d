import type { Kysely } from 'kysely';
import type { AmocrmClient } from '../amocrm/amocrm-client';
import type { AmojoClient } from '../amojo/create-amojo-client';
import type { TypingThrottle } from '../bridge/create-typing-throttle';
import type { FetchLike } from '../egress/fetch-like';
import type { InstallRunner } from '../installation/create-install-runner';
import type { MediaMirror } from '../media/create-media-mirror';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import type { Database } from '../store/schema';
import type { DeliveryBreaker } from './create-delivery-breaker';
import type { LinkCache } from './create-link-cache';
import type { LiveLink } from './live-link';

/** Everything the job handlers use; built once by createRelayWorker. */
export interface RelayDeps {
  db: Kysely<Database>;
  links: LinkCache;
  /** The amojo client for an account's region. */
  amojo: (region: string) => AmojoClient;
  /** The link's secret for signing deliveries to the messenger (opened from links.signing_secret_enc). */
  signingSecretOf: (link: LiveLink) => string;
  /** AMOJO_BOT_ID: its messages reach the messenger with `role: 'bot'`. */
  botId?: string | undefined;
  /** AMOJO_TIME_WINDOW_SECONDS: manager messages after the client's reply window closed are refused (905). */
  timeWindowSeconds?: number | undefined;
  fetch: FetchLike;
  /** Copies the files of manager messages and hands the messenger our links; without it amoCRM's links pass through. */
  media?: MediaMirror | undefined;
  now: () => number;
  /** Per delivery attempt to the messenger. */
  deliveryTimeoutMs: number;
  typingThrottle: TypingThrottle;
  /** Runs the `amocrm.install` jobs the redirect URI queues; absent, they dead-letter (install_unavailable). */
  install?: InstallRunner | undefined;
  /**
   * amoCRM REST as each account's installation (sources, contacts). Absent (no AMOCRM_CLIENT_ID configured), source
   * syncs dead-letter as `amocrm_unavailable` and contact bindings end `failed`, so the messages behind them flow.
   */
  amocrm?: AmocrmClient | undefined;
  /** Holds a link's deliveries while its messenger webhook keeps failing; absent, every delivery is attempted. */
  breaker?: DeliveryBreaker | undefined;
  metrics?: (Pick<Metrics, 'bridgeCalls'> & Partial<Pick<Metrics, 'hooksRecovered'>>) | undefined;
  logger?: Logger | undefined;
}
