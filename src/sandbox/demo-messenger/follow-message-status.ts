import { z } from 'zod/mini';
import { bridgeMessageStatus, bridgePaths } from '../../contracts/bridge';
import type { BridgeClient } from './create-bridge-client';
import type { DemoMessage } from './demo-messenger-types';
import type { MessengerState } from './messenger-state';

export interface FollowStatusDeps {
  bridge: BridgeClient;
  state: MessengerState;
  /** Waits before each look, in turn; the message stays at one tick if amoCRM has not got it by the last one. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
}

/**
 * The second tick of a client message, earned honestly: after the bridge's 202 (one tick), ask the bridge what
 * became of the message (`GET /bridge/v1/messages/{id}`) a few times, and show `delivered` only once it says amoCRM
 * has it, or `failed` if amoCRM refused it for good. Anything unexpected leaves the one tick as it is.
 */
export async function followMessageStatus(deps: FollowStatusDeps, message: DemoMessage): Promise<void> {
  const path = bridgePaths.message.replace(':id', encodeURIComponent(message.id));
  for (const delay of deps.delaysMs) {
    await deps.sleep(delay);
    // A retry or another look may have moved it on meanwhile.
    if (message.status !== 'sent') return;
    const result = await deps.bridge.get(path);
    const parsed = result.ok ? z.safeParse(bridgeMessageStatus, result.body) : undefined;
    if (!parsed?.success) return;
    if (parsed.data.status === 'queued') continue;
    if (parsed.data.status === 'sent') {
      message.status = 'delivered';
    } else {
      message.status = 'failed';
      message.error = 'amocrm_refused';
    }
    deps.state.changed();
    return;
  }
}
