import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AmocrmEmulator,
  type AmocrmEmulatorOptions,
  createAmocrmEmulator,
} from '../../../src/sandbox/amocrm-emulator/create-amocrm-emulator';

export const CLIENT_ID = '6f1c0b7e-9a53-4b8e-8a43-2f0d2c7e5a11';
export const CLIENT_SECRET = 'k3Hq9Vw2sXy8ZbTt1LmN0pQrSuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeF';
export const REDIRECT_URI = 'https://backend.example/amocrm/oauth';
export const DISCONNECT_URL = 'https://backend.example/amocrm/disconnect';
export const START = new Date('2026-03-02T10:00:00Z');

export const RU = {
  id: 31000001,
  subdomain: 'acme',
  domain: 'amocrm.ru',
  amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec',
  name: 'Acme',
} as const;
export const KOMMO = {
  id: 31000002,
  subdomain: 'globex',
  domain: 'kommo.com',
  amojoId: '0b0e7c7e-8d9a-4a6e-9f54-3c2f1d0e9b8a',
} as const;
export const ADMIN = {
  id: 501,
  accountId: RU.id,
  name: 'Anna Admin',
  email: 'anna@acme.example',
  isAdmin: true,
} as const;
export const MANAGER = { id: 502, accountId: RU.id, name: 'Max Manager', isAdmin: false } as const;
export const KOMMO_ADMIN = { id: 601, accountId: KOMMO.id, name: 'Gina Globex', isAdmin: true } as const;

export interface Clock {
  now: Date;
  advance(ms: number): void;
}

/** The emulator in-process with a settable clock; the backend's URLs point nowhere unless a test says otherwise. */
export function createHarness(options: Partial<AmocrmEmulatorOptions> = {}) {
  const clock: Clock = {
    now: new Date(START),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const emulator: AmocrmEmulator = createAmocrmEmulator({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    accounts: [RU, KOMMO],
    users: [ADMIN, MANAGER, KOMMO_ADMIN],
    now: () => new Date(clock.now),
    // no test reaches the network by accident: a call to the backend fails unless a test gives a fetch
    fetch: async () => {
      throw new Error('no backend in this test');
    },
    ...options,
  });

  const request = (path: string, init: RequestInit = {}) =>
    emulator.handle(new Request(`http://emulator.test${path}`, init));

  const token = (body: Record<string, unknown>, contentType = 'application/json') =>
    request('/oauth2/access_token', {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: JSON.stringify(body),
    });

  const exchange = (code: string, overrides: Record<string, unknown> = {}) =>
    token({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      ...overrides,
    });

  const refresh = (refreshToken: string, overrides: Record<string, unknown> = {}) =>
    token({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      redirect_uri: REDIRECT_URI,
      ...overrides,
    });

  const api = (path: string, accessToken?: string, init: RequestInit = {}) =>
    request(path, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        ...(accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` }),
      },
    });

  /** A JSON write to the API, as amoCRM's docs ask for it (`Content-Type: application/json`). */
  const write = (method: string, path: string, accessToken: string, body: unknown) =>
    api(path, accessToken, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  /** Installs without a backend (the install call fails and is ignored) and exchanges the code: a live pair. */
  async function grantedPair(accountId: number = RU.id, userId?: number) {
    if (!emulator.isInstalled(accountId)) await emulator.install(accountId);
    const code = emulator.issueCode(accountId, userId ?? emulator.currentUser(accountId).id);
    const response = await exchange(code.code);
    if (response.status !== 200) throw new Error(`exchange failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as TokenBody;
  }

  return { emulator, clock, request, token, exchange, refresh, api, write, grantedPair };
}

export interface TokenBody {
  token_type: string;
  expires_in: number;
  access_token: string;
  refresh_token: string;
  server_time: number;
}

export interface Problem {
  title: string;
  type: string;
  status: number;
  detail: string;
  hint?: string;
}

export interface ReceivedCall {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
}

/** A stand-in for the backend: records each request and answers `state.status` after `state.delayMs`. */
export async function startBackendReceiver() {
  const received: ReceivedCall[] = [];
  const state = { status: 200, delayMs: 0 };
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: new URL(req.url ?? '/', 'http://receiver'), headers: req.headers });
    req.resume();
    const timer = setTimeout(() => res.writeHead(state.status).end('ok'), state.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    state,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The claims of a JWT, read without checking it (the backend never parses it; the tests only look). */
export function jwtClaims(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
