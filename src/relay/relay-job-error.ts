import type { JobEffect } from './job-effect';

export interface RelayJobErrorInit {
  retryable: boolean;
  /** A floor for the next attempt's delay (amojo's or the messenger's Retry-After). */
  retryAfterMs?: number | undefined;
  /** Written when the job is dead-lettered because of this failure (e.g. report -1 to amojo). */
  onDead?: JobEffect | undefined;
  /**
   * The job never ran into its target and goes back, its attempt not counted, due at this time (a delivery held
   * by its link's open breaker, create-delivery-breaker.ts).
   */
  holdUntil?: number | undefined;
  /** Held only until another delivery's probe reports (due within its time): the hold budget waits for it. */
  holdForProbe?: boolean | undefined;
  cause?: unknown;
}

/**
 * How a job failed, in the runner's terms. `code` is stored as the job's last error and used as a metric label,
 * so it is a short code, never message text or a secret.
 */
export class RelayJobError extends Error {
  override readonly name = 'RelayJobError';
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly onDead: JobEffect | undefined;
  readonly holdUntil: number | undefined;
  readonly holdForProbe: boolean;

  constructor(code: string, init: RelayJobErrorInit) {
    super(code, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.onDead = init.onDead;
    this.holdUntil = init.holdUntil;
    this.holdForProbe = init.holdForProbe === true;
  }
}
