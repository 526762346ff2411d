import type { OutboxJob } from '../store/outbox-repo';
import type { JobEffect } from './job-effect';

export interface JobContext {
  /** 1 on the first attempt. */
  attempt: number;
  /** A failure now makes the job a dead letter. */
  lastAttempt: boolean;
}

export interface JobResult {
  /** Metric label: sent, duplicate, echo, stale… */
  outcome: string;
  effects?: JobEffect | undefined;
}

/** Runs one claimed job; throws (ideally a RelayJobError) to have it retried or dead-lettered. */
export type JobHandler = (job: OutboxJob, ctx: JobContext) => Promise<JobResult>;
