import { createAmocrmClient } from '../../../src/amocrm/create-amocrm-client';
import type { TokenSource } from '../../../src/amocrm/token-source';
import type { FetchLike } from '../../../src/egress/fetch-like';
import type { AmocrmEmulatorOptions } from '../../../src/sandbox/amocrm-emulator/create-amocrm-emulator';
import { startAmocrmEmulator } from '../../../src/sandbox/amocrm-emulator/start-amocrm-emulator';
import { ADMIN, CLIENT_ID, CLIENT_SECRET, MANAGER, REDIRECT_URI, RU } from '../../sandbox/amocrm-emulator/harness';

/**
 * The real client against the amoCRM emulator on 127.0.0.1:0, with a token of the account's admin (or of `userId`)
 * granted through the emulator's token endpoint. Every URL the client sends is recorded in `sent`.
 */
export async function startEmulatorClient(
  options: Partial<AmocrmEmulatorOptions> & {
    userId?: number;
    clientRatePerSecond?: number;
    /** Attempts per call (default 3); 1 where the outbox, not the client, is what retries. */
    clientAttempts?: number;
  } = {},
) {
  const { userId = ADMIN.id, clientRatePerSecond, clientAttempts = 3, ...emulatorOptions } = options;
  const running = await startAmocrmEmulator({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    accounts: [RU],
    users: [ADMIN, MANAGER],
    rateLimitPerSecond: null,
    // The install call to the backend is not what these tests are about.
    fetch: async () => new Response('ok'),
    ...emulatorOptions,
  });
  const { emulator } = running;
  await emulator.install(RU.id);
  const code = emulator.issueCode(RU.id, userId);
  const granted = await fetch(`${running.url}/oauth2/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code',
      code: code.code,
      redirect_uri: REDIRECT_URI,
    }),
  });
  const accessToken = ((await granted.json()) as { access_token: string }).access_token;

  const sent: { method: string; url: string; body?: string }[] = [];
  const recordingFetch: FetchLike = async (url, init) => {
    sent.push({ method: init?.method ?? 'GET', url, ...(typeof init?.body === 'string' ? { body: init.body } : {}) });
    return fetch(url, init as RequestInit);
  };
  const tokens: TokenSource = {
    access: async () => ({ baseUrl: running.url, accessToken }),
    refreshAfterUnauthorized: async () => {
      throw new Error('no refresh in these tests');
    },
  };
  const client = createAmocrmClient({
    tokens,
    fetch: recordingFetch,
    retry: { maxAttempts: clientAttempts, baseDelayMs: 1, maxDelayMs: 1 },
    ...(clientRatePerSecond === undefined ? {} : { ratePerSecond: clientRatePerSecond }),
  });
  return { running, emulator, client, sent, accessToken, close: () => running.close() };
}
