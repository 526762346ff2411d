import type { BridgeCallResult } from './create-bridge-client';

/**
 * Repeats a call the bridge answered 404 `not_found`, after each delay in turn. A read receipt or reaction for a
 * manager message can reach the backend before the backend has recorded our answer to that message's delivery
 * (the page shows the message as soon as the webhook has it), so a brief 404 is expected and passes.
 */
export async function retryNotFound(
  call: () => Promise<BridgeCallResult>,
  delaysMs: readonly number[],
  sleep: (ms: number) => Promise<void>,
): Promise<BridgeCallResult> {
  let result = await call();
  for (const delay of delaysMs) {
    if (result.ok || result.status !== 404 || result.code !== 'not_found') return result;
    await sleep(delay);
    result = await call();
  }
  return result;
}
