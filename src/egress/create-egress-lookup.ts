import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type EgressPolicy, isAddressAllowed } from './egress-policy';
import { EgressRefusedError } from './egress-refused-error';

/** Answers every address of a name, as dns.lookup with `all: true` does; tests inject a fixed one. */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * The `lookup` of an HTTP agent that connects only to addresses the policy allows. It runs for every new socket,
 * right before connecting, with the very answer the socket then uses: a name that answers a public address at one
 * check and a private one at the next (DNS rebinding) gains nothing. Addresses outside the policy are dropped from
 * the answer; when none is left, the connection fails with EgressRefusedError.
 */
export function createEgressLookup(policy: Pick<EgressPolicy, 'allow'>, resolve: Resolve = systemResolve) {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname).then(
      (answer) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = answer.filter(
          (entry) => (family === undefined || entry.family === family) && isAddressAllowed(entry.address, policy),
        );
        const first = usable[0];
        if (!first) return callback(new EgressRefusedError('the host does not resolve to an allowed address'), '');
        if (options.all) return (callback as (e: null, all: LookupAddress[]) => void)(null, usable);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  return lookup;
}
