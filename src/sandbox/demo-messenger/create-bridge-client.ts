import type { DemoSettings } from './open-settings-store';

export type BridgeCallResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; code: string; body: unknown };

export interface BridgeClient {
  post(path: string, body: unknown): Promise<BridgeCallResult>;
}

export interface BridgeClientDeps {
  settings: () => DemoSettings;
  fetch: typeof fetch;
  timeoutMs: number;
}

function errorCode(body: unknown, status: number): string {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : `http_${status}`;
}

/**
 * Calls our bridge API the way any messenger would: JSON with `Authorization: Bearer <api key>`. The key stays on
 * this server; the page only ever talks to the messenger.
 */
export function createBridgeClient(deps: BridgeClientDeps): BridgeClient {
  return {
    async post(path, body) {
      const { bridgeUrl, apiKey } = deps.settings();
      if (bridgeUrl === undefined || apiKey === undefined) {
        return { ok: false, status: null, code: 'not_configured', body: null };
      }
      let response: Response;
      try {
        response = await deps.fetch(`${bridgeUrl}${path}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
      } catch {
        return { ok: false, status: null, code: 'bridge_unreachable', body: null };
      }
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch {
        json = null;
      }
      if (response.ok) return { ok: true, status: response.status, body: json };
      return { ok: false, status: response.status, code: errorCode(json, response.status), body: json };
    },
  };
}
