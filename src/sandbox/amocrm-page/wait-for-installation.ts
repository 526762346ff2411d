import { setTimeout as sleep } from 'node:timers/promises';
import { linkPaths } from '../../contracts/link';

export interface WaitForInstallationInput {
  readonly backendUrl: string;
  /** A fresh one-time token for each request (each jti is spent by the backend). */
  readonly mintToken: () => Promise<string>;
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly fetch?: typeof fetch;
}

export type InstallationSeen = 'active' | 'unconfirmed';

/**
 * Asks the backend's own link API, as the widget would, until it reports the account's installation active, or gives
 * up after `timeoutMs` ("unconfirmed": the page then goes on, as amoCRM would, and the panel shows what the backend
 * says). Only the sandbox waits: amoCRM sends the install redirect and moves on.
 */
export async function waitForInstallation(input: WaitForInstallationInput): Promise<InstallationSeen> {
  const doFetch = input.fetch ?? globalThis.fetch;
  const deadline = Date.now() + input.timeoutMs;
  const url = `${input.backendUrl.replace(/\/+$/, '')}${linkPaths.link}`;
  for (;;) {
    const state = await doFetch(url, { headers: { 'X-Auth-Token': await input.mintToken() } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: unknown) => (body as { installation?: { state?: unknown } } | null)?.installation?.state)
      .catch(() => undefined);
    if (state === 'active') return 'active';
    if (Date.now() >= deadline) return 'unconfirmed';
    await sleep(input.pollMs ?? 100);
  }
}
