import type { OutboxJob } from '../store/outbox-repo';
import type { JobEffect } from './job-effect';

export interface JobContext {
  /** 1 on the first attempt. */
  attempt: number;
  /** A failure now makes the job a dead letter. */
  lastAttempt: boolean;
  /**
   * Aborted when the attempt passes its deadline (run-claimed-job.ts): every call that may wait (amojo, the
   * messenger, a media download) takes it, so an attempt the runner gave up on stops rather than lingers.
   */
  signal: AbortSignal;
}

export interface JobResult {
  /** Metric label: sent, duplicate, echo, stale… */
  outcome: string;
  effects?: JobEffect | undefined;
}

/** Runs one claimed job; throws (ideally a RelayJobError) to have it retried or dead-lettered. */
export type JobHandler = (job: OutboxJob, ctx: JobContext) => Promise<JobResult>;
