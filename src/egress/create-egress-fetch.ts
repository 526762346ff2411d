import { createHttpFetch, type HttpFetchOptions } from './create-http-fetch';
import type { EgressPolicy } from './egress-policy';
import type { FetchLike } from './fetch-like';

/**
 * The fetch for every URL a user chose (messenger webhooks, test events): the relay's keep-alive transport with
 * the egress guard. A refused request rejects with EgressRefusedError before any byte is sent.
 */
export function createEgressFetch(policy: EgressPolicy, options: Omit<HttpFetchOptions, 'policy'> = {}): FetchLike {
  return createHttpFetch({ ...options, policy });
}
