import { reapedChildrenCpuMs } from '../cpu-time';
import { type LoadResult, runLoad } from './run-load';

export interface HookLoad {
  /** One URL per server instance; the connections are split evenly between them, all running at once. */
  urls: string[];
  secret: string;
  accountId: string;
  connections: number;
  durationSeconds: number;
  tag: string;
  /** CPU ms used so far by the server(s) under test (undefined where it cannot be read). */
  serverCpuMs: () => number | undefined;
}

export type HookRun = LoadResult & { cpuUs: number; loadCpuUs: number };

/**
 * Signed hooks from autocannon (hook-load.ts) in child processes, one per URL; the figures are of all of them
 * together: requests and req/s summed, p50 and p99 the worst instance's, and the CPU per request of the servers and
 * of the load generators meanwhile.
 */
export async function loadHooks(load: HookLoad): Promise<HookRun> {
  const from = load.serverCpuMs();
  const loadFrom = reapedChildrenCpuMs();
  const per = Math.max(1, Math.floor(load.connections / load.urls.length));
  const results = await Promise.all(
    load.urls.map((url, i) =>
      runLoad('hook-load.ts', {
        url,
        secret: load.secret,
        accountId: load.accountId,
        connections: per,
        durationSeconds: load.durationSeconds,
        tag: `${load.tag}i${i}`,
      }),
    ),
  );
  const to = load.serverCpuMs();
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const perRequest = (ms: number) => (ms / Math.max(1, requests)) * 1000;
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    requests,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    cpuUs: from === undefined || to === undefined ? Number.NaN : perRequest(to - from),
    loadCpuUs: perRequest(reapedChildrenCpuMs() - loadFrom),
  };
}
