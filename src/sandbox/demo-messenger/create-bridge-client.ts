import type { DemoSettings } from './open-settings-store';

export type BridgeCallResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; code: string; body: unknown };

export interface BridgeClient {
  post(path: string, body: unknown): Promise<BridgeCallResult>;
  get(path: string): Promise<BridgeCallResult>;
}

export interface BridgeClientDeps {
  settings: () => DemoSettings;
  fetch: typeof fetch;
  timeoutMs: number;
  /** Told when the bridge refuses the key itself (401, or 404 not_linked), e.g. to check the settings again. */
  onKeyRefused?: () => void;
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
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<BridgeCallResult> {
    const { bridgeUrl, apiKey } = deps.settings();
    if (bridgeUrl === undefined || apiKey === undefined) {
      return { ok: false, status: null, code: 'not_configured', body: null };
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await deps.fetch(`${bridgeUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
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
    const code = errorCode(json, response.status);
    if (response.status === 401 || code === 'not_linked') deps.onKeyRefused?.();
    return { ok: false, status: response.status, code, body: json };
  }
  return {
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
  };
}
