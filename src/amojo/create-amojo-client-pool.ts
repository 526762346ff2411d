import type { FetchLike } from '../egress/fetch-like';
import { type AmojoRegion, amojoBaseUrl } from './amojo-hosts';
import type { AmojoCallEvent } from './call';
import { type AmojoClient, createAmojoClient } from './create-amojo-client';

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
export function createAmojoClientPool(options: AmojoClientPoolOptions): (region: AmojoRegion) => AmojoClient {
  const clients = new Map<AmojoRegion, AmojoClient>();
  return (known) => {
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
