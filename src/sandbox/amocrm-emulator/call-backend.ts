import type { BackendCall } from './amocrm-emulator-types';
import type { EmulatorContext } from './emulator-context';

/**
 * One GET to the backend, as amoCRM makes the widget-install redirect (crm-rest §1.2: ≤ 3 s, the answer ignored,
 * never retried) and the disconnect hook (§1.8: the docs say nothing of a timeout; the same 3 s). Resolves with the
 * recorded call once it has an answer, failed or timed out; never throws.
 */
export async function callBackend(
  ctx: EmulatorContext,
  kind: BackendCall['kind'],
  accountId: number,
  url: string,
): Promise<BackendCall> {
  const call: BackendCall = {
    id: ctx.calls.length + 1,
    kind,
    accountId,
    url,
    at: ctx.now().getTime(),
    state: 'pending',
  };
  ctx.calls.push(call);
  const started = performance.now();
  try {
    const response = await ctx.fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.backendTimeoutMs),
    });
    call.status = response.status;
    call.state = 'delivered';
    // Drained only so the connection is freed; what the backend says is ignored, as amoCRM ignores it.
    await response.text().catch(() => undefined);
  } catch (error) {
    call.state = 'failed';
    call.error = describe(error);
  } finally {
    call.durationMs = performance.now() - started;
  }
  return call;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof cause === 'string' ? `${error.message} (${cause})` : error.message;
}
