import type { Result } from 'autocannon';

/** What every load script reports to its parent process, as one JSON line on stdout. */
export function printResult(result: Result): void {
  process.stdout.write(
    JSON.stringify({
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    }),
  );
}
