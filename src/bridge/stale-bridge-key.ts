/**
 * The key a message was authenticated with (from the in-memory key cache) no longer opens its link at the moment of
 * writing: rotated, unlinked or parked since. Nothing of the message was written; the route forgets the key and
 * authenticates it again from the database, which answers with the precise error.
 */
export class StaleBridgeKey extends Error {
  constructor(readonly keyHash: string) {
    super('the bridge key is no longer valid for its link');
    this.name = 'StaleBridgeKey';
  }
}
