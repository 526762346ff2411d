import { signWebhook } from '../../amojo/sign-webhook';
import type { ConnectionRecord, HookDelivery, HookDeliveryMode, HookKind } from './emulator-types';
import { serializeHookBody } from './serialize-hook-body';

export interface HookEmitterOptions {
  /** Registered hook URL; the literal `:scope_id` is replaced per connection. */
  readonly hookUrl: string;
  readonly hookSecret: string;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** amojo gives a receiver 5 s to answer. */
  readonly timeoutMs: number;
  readonly escapeJson: boolean;
  /** Where deliveries are recorded (the store's list). */
  readonly log: HookDelivery[];
}

export interface HookEmitter {
  /** Sends one hook once (amojo documents no retries) and resolves with the recorded delivery. */
  emit(kind: HookKind, connection: ConnectionRecord, body: unknown): Promise<HookDelivery>;
  /** Resolves when every delivery started so far has finished. */
  settled(): Promise<void>;
  /**
   * `drop` records every hook as `dropped` and sends none, as if the backend were down: amojo does not resend a hook
   * that got no 200, so those messages reach the backend only through history. `send` (the default) sends again.
   */
  setMode(mode: HookDeliveryMode): void;
  mode(): HookDeliveryMode;
}

export function hookUrlFor(hookUrl: string, scopeId: string): string {
  return hookUrl.replaceAll(':scope_id', encodeURIComponent(scopeId));
}

export function createHookEmitter(options: HookEmitterOptions): HookEmitter {
  const inFlight = new Set<Promise<unknown>>();
  let nextId = 1;
  let mode: HookDeliveryMode = 'send';

  async function deliver(delivery: HookDelivery): Promise<void> {
    const started = performance.now();
    try {
      const response = await options.fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Signature': delivery.signature },
        // The string is sent as UTF-8: the very bytes that were signed.
        body: delivery.body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.status = response.status;
      // amojo treats only 200 as accepted (chat-webhooks: "must answer with HTTP 200").
      delivery.state = response.status === 200 ? 'delivered' : 'failed';
      if (response.status !== 200) delivery.error = `receiver answered ${response.status}`;
    } catch (error) {
      delivery.state = 'failed';
      delivery.error = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : String(error);
    } finally {
      delivery.durationMs = performance.now() - started;
    }
  }

  return {
    async emit(kind, connection, body) {
      const text = serializeHookBody(body, options.escapeJson);
      const delivery: HookDelivery = {
        id: nextId++,
        kind,
        scopeId: connection.scopeId,
        url: hookUrlFor(options.hookUrl, connection.scopeId),
        body: text,
        signature: signWebhook(Buffer.from(text, 'utf8'), options.hookSecret),
        state: 'pending',
        at: options.now().getTime(),
      };
      options.log.push(delivery);
      const skip = skipReason(connection);
      if (skip !== undefined) {
        delivery.state = 'skipped';
        delivery.error = skip;
        return delivery;
      }
      if (mode === 'drop') {
        delivery.state = 'dropped';
        delivery.error = 'hook delivery is set to drop (the backend is "down")';
        return delivery;
      }
      const pending = deliver(delivery);
      inFlight.add(pending);
      await pending;
      inFlight.delete(pending);
      return delivery;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    setMode(next) {
      mode = next;
    },
    mode: () => mode,
  };
}

function skipReason(connection: ConnectionRecord): string | undefined {
  if (!connection.connected) return 'scope is disconnected';
  if (connection.hookApiVersion !== 'v2') {
    return `scope connected with hook_api_version "${connection.hookApiVersion}"; only v2 hooks are emulated`;
  }
  return undefined;
}
