import { AMOJO_HOSTS, type AmojoRegion, amojoBaseUrl } from '../amojo/amojo-hosts';
import type { AmojoCallEvent } from '../amojo/call';
import { type AmojoClient, createAmojoClient } from '../amojo/create-amojo-client';
import type { FetchLike } from '../amojo/fetch-like';
import { RelayJobError } from './relay-job-error';

export interface AmojoClientPoolOptions {
  channelId: string;
  secret: string;
  /** AMOJO_BASE_URL: one host for every region (sandbox, tests). */
  baseUrlOverride?: string | undefined;
  fetch?: FetchLike;
  timeoutMs?: number;
  observe?: (event: AmojoCallEvent) => void;
}

/** One amojo client per region, made on first use; an account's region picks its amojo host. */
export function createAmojoClientPool(options: AmojoClientPoolOptions): (region: string) => AmojoClient {
  const clients = new Map<AmojoRegion, AmojoClient>();
  return (region) => {
    if (!(region in AMOJO_HOSTS)) throw new RelayJobError('unknown_region', { retryable: false });
    const known = region as AmojoRegion;
    let client = clients.get(known);
    if (!client) {
      client = createAmojoClient({
        channelId: options.channelId,
        secret: options.secret,
        baseUrl: amojoBaseUrl(known, options.baseUrlOverride),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.observe === undefined ? {} : { observe: options.observe }),
      });
      clients.set(known, client);
    }
    return client;
  };
}
