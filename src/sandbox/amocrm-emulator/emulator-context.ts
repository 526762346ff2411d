import type { FetchLike } from '../../egress/fetch-like';
import type { AccountSeed, BackendCall, EmulatorStats, UserSeed } from './amocrm-emulator-types';
import type { CrmBook } from './create-crm-book';
import type { GrantBook } from './create-grant-book';
import type { RateLimiter } from './create-rate-limiter';
import type { EndpointFaults } from './endpoint-faults';

/** What every handler needs; built once by createAmocrmEmulator. */
export interface EmulatorContext {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The registered Redirect URI; token requests must repeat it byte for byte. */
  readonly redirectUri: string;
  readonly disconnectHookUrl: string | undefined;
  readonly accounts: ReadonlyMap<number, AccountSeed>;
  readonly users: ReadonlyMap<number, UserSeed>;
  /** Accounts where the integration is installed. */
  readonly installed: Set<number>;
  /** The user "logged in" to each account's CRM page. */
  readonly currentUsers: Map<number, number>;
  readonly grants: GrantBook;
  /** Pipelines, contacts, the integration's sources and chat bindings of every account. */
  readonly crm: CrmBook;
  readonly limiter: RateLimiter;
  readonly faults: EndpointFaults;
  /** Every call the emulator made to the backend, in order. */
  readonly calls: BackendCall[];
  readonly stats: EmulatorStats;
  readonly settings: { accessTokenTtlSeconds: number };
  readonly now: () => Date;
  readonly fetch: FetchLike;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long a backend call may take before it counts as failed (amoCRM waits 3 s for the install redirect). */
  readonly backendTimeoutMs: number;
}
