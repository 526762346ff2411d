/** An outbox row as its producers write it; the store adds status, attempts and lease. */
export interface NewOutboxJob {
  /** Derived from upstream ids, so a retried request or redelivered hook maps to the same job. */
  idempotencyKey: string;
  kind: string;
  payload: string;
  linkId?: string | null;
  /** Jobs sharing a key run strictly one after another in enqueue order (e.g. `conv:<conversation row id>`). */
  orderingKey?: string | null;
  /** Earliest first attempt; defaults to now. */
  availableAt?: number;
}
