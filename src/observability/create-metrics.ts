import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app instance, so tests can build many apps; labels are codes, never ids or secrets. */
export function createMetrics({ defaults = false }: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    hookAckSeconds: new Histogram({
      name: 'amojo_hook_ack_seconds',
      help: 'Time from receiving an amojo hook to answering it (row durable on disk)',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'relay_queue_depth',
      help: 'Relay jobs by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    jobAttempts: new Counter({
      name: 'relay_job_attempts_total',
      help: 'Relay job attempts by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'relay_dead_letters_total',
      help: 'Jobs moved to the dead-letter state after their last attempt',
      labelNames: ['kind'],
      registers: [registry],
    }),
    amojoCalls: new Counter({
      name: 'amojo_calls_total',
      help: 'amojo API calls by endpoint and HTTP status or transport outcome',
      labelNames: ['endpoint', 'outcome'],
      registers: [registry],
    }),
    // One series each, not one per link: link ids would make the series grow with the accounts served.
    deliveryBreakersOpen: new Gauge({
      name: 'relay_delivery_breakers_open',
      help: 'Links whose messenger webhook circuit breaker is open: their deliveries wait instead of being attempted',
      registers: [registry],
    }),
    deliveryBreakerOpenings: new Counter({
      name: 'relay_delivery_breaker_openings_total',
      help: 'Times a link delivery breaker opened after consecutive messenger failures (reopenings not counted)',
      registers: [registry],
    }),
    bridgeCalls: new Counter({
      name: 'bridge_deliveries_total',
      help: 'Deliveries to messenger webhooks by outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    hooksRecovered: new Counter({
      name: 'amojo_hooks_recovered_total',
      help: 'Manager messages whose hook never arrived, recovered from amojo chat history and queued for delivery',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
