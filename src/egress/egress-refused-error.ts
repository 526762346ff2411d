/**
 * A request the egress policy refused before any byte left: a scheme, host or address outside the policy, or too
 * many redirects. Retrying cannot fix it, and its message names no address, so it can be shown to an admin.
 */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'egress_refused';
  constructor(readonly reason: string) {
    super(`refused by the egress policy: ${reason}`);
  }
}
