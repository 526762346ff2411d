import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiRoutes } from './api-routes';
import { type CredentialProblem, checkCredentials } from './check-credentials';
import { createBridgeClient } from './create-bridge-client';
import { createClientActions } from './create-client-actions';
import { createSseHub } from './create-sse-hub';
import type { DemoSnapshot, LinkSummary, PublicSettings } from './demo-messenger-types';
import { handleWebhook } from './handle-webhook';
import { messengerPageRoutes } from './messenger-page-routes';
import { MessengerState } from './messenger-state';
import { openSettingsStore, type SettingsPatch, secretHint } from './open-settings-store';
import { renderSampleImages } from './render-sample-images';
import { saveSettings } from './save-settings';

export interface DemoMessengerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Our backend's origin (e.g. `http://127.0.0.1:8080`); wins over the one saved in `dataFile`. */
  bridgeUrl?: string;
  /** JSON file that keeps the settings (bridge URL, API key, signing secret) across restarts. */
  dataFile?: string;
  /** Origin the backend and amoCRM reach this messenger at; `http://<host>:<port>` by default. */
  publicUrl?: string;
  /** Calls to the bridge API go through this. */
  fetch?: typeof fetch;
  /** Clock in Unix ms (signature freshness, timestamps). */
  now?: () => number;
  newId?: () => string;
  /** Waits before repeating a read receipt or reaction the bridge answered 404 (see retry-not-found.ts). */
  retryDelaysMs?: readonly number[];
  /** Waits before each look at a sent client message's fate, for its second tick (see follow-message-status.ts). */
  statusPollDelaysMs?: readonly number[];
  bridgeTimeoutMs?: number;
}

export interface DemoMessenger {
  /** The page, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What the admin pastes into the widget panel: `<url>/webhook`. */
  webhookUrl: string;
  /** A deep copy of everything the page sees. */
  state(): DemoSnapshot;
  /** The same as `PUT /api/settings`: checks with the bridge first, and rejects (saving nothing) when that fails. */
  updateSettings(patch: SettingsPatch): Promise<PublicSettings>;
  /** Resolves with the first snapshot (now or after a change) that passes `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (snapshot: DemoSnapshot) => boolean, timeoutMs?: number): Promise<DemoSnapshot>;
  close(): Promise<void>;
}

/** What a check can say against credentials already saved; the rest says only that the bridge was not reached. */
const credentialProblems = new Set<CredentialProblem>([
  'api_key_invalid',
  'not_linked',
  'signing_secret_mismatch',
  'signature_unverifiable',
]);

/** The sandbox's demo messenger: a small server and page that speak only the public bridge contract. */
export async function startDemoMessenger(options: DemoMessengerOptions = {}): Promise<DemoMessenger> {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const host = options.host ?? '127.0.0.1';
  const settings = openSettingsStore({ dataFile: options.dataFile, bridgeUrl: options.bridgeUrl });
  const state = new MessengerState(now);
  const images = renderSampleImages();
  // Known once the server listens; every route reads them lazily, so the app is complete before the first request.
  let url = '';
  let webhookUrl = '';
  let link: LinkSummary | undefined;
  let problem: { code: string; message: string } | undefined;
  // Ends the waits of background work (second ticks, repeated receipts) when the messenger closes.
  const stopping = new AbortController();
  const fetchBridge = options.fetch ?? fetch;
  const bridgeTimeoutMs = options.bridgeTimeoutMs ?? 10_000;
  const samples = () => images.map((i) => ({ name: i.name, url: `${url}/media/${i.name}`, size: i.png.length }));

  const publicSettings = (): PublicSettings => {
    const current = settings.get();
    return {
      bridgeUrl: current.bridgeUrl ?? null,
      apiKeyHint: secretHint(current.apiKey),
      signingSecretHint: secretHint(current.signingSecret),
      configured:
        current.bridgeUrl !== undefined &&
        current.apiKey !== undefined &&
        current.signingSecret !== undefined &&
        problem === undefined,
      link: link === undefined ? null : { ...link },
      problem: problem === undefined ? null : { ...problem },
      webhookUrl,
    };
  };
  const snapshot = () => state.snapshot(publicSettings(), samples());
  const sse = createSseHub(snapshot);
  state.onChange(() => sse.broadcast());
  const check = (candidate: Parameters<typeof checkCredentials>[1]) =>
    checkCredentials({ fetch: fetchBridge, timeoutMs: bridgeTimeoutMs, now }, candidate);
  const saveDeps = {
    store: settings,
    check,
    setLink: (checked: LinkSummary | undefined) => {
      link = checked;
      problem = undefined;
    },
  };
  // Saved credentials can go stale while saved (a relink, a rotation, a data file from an earlier run): checked
  // again at start and whenever the bridge refuses the key, so "connected" never outlives them.
  let rechecking = false;
  const recheck = async () => {
    const current = settings.get();
    if (rechecking || current.bridgeUrl === undefined || current.apiKey === undefined) return;
    rechecking = true;
    try {
      const checked = await check({ ...current, bridgeUrl: current.bridgeUrl, apiKey: current.apiKey });
      // The settings may have been saved anew meanwhile; that save's own check counts, not this one.
      if (settings.get().apiKey !== current.apiKey || settings.get().signingSecret !== current.signingSecret) return;
      if (checked.ok) {
        link = { title: checked.me.title, subdomain: checked.me.account.subdomain, accountId: checked.me.account.id };
        problem = undefined;
      } else if (credentialProblems.has(checked.code)) {
        problem = { code: checked.code, message: checked.message };
      } else {
        return; // the bridge could not be asked: nothing learnt about the credentials
      }
      state.changed();
    } finally {
      rechecking = false;
    }
  };
  const applySettings = async (patch: SettingsPatch) => {
    const saved = await saveSettings(saveDeps, patch);
    if (saved.ok) state.changed();
    return saved.ok ? { status: 200, body: { ...publicSettings() } } : saved.result;
  };

  const actions = createClientActions({
    state,
    bridge: createBridgeClient({
      settings: settings.get,
      fetch: fetchBridge,
      timeoutMs: bridgeTimeoutMs,
      onKeyRefused: () => void recheck(),
    }),
    now,
    newId,
    sample: (name) => samples().find((s) => s.name === name),
    retryDelaysMs: options.retryDelaysMs ?? [250, 1000, 3000],
    statusPollDelaysMs: options.statusPollDelaysMs ?? [200, 400, 800, 1600, 3200, 6400],
    sleep: (ms) => sleep(ms, undefined, { signal: stopping.signal }),
  });

  const app = new Hono();
  app.post(
    '/webhook',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => c.json({ error: { code: 'payload_too_large', message: 'The body is over 1 MiB.' } }, 413),
    }),
    async (c) => {
      const result = handleWebhook(
        { state, signingSecret: settings.get().signingSecret, now, newId },
        {
          body: new Uint8Array(await c.req.arrayBuffer()),
          timestamp: c.req.header('x-channel-timestamp'),
          signature: c.req.header('x-channel-signature'),
          eventIdHeader: c.req.header('x-channel-event-id'),
        },
      );
      return c.json(result.body, result.status as 200);
    },
  );
  app.get('/events', () => sse.connect());
  app.route('/', apiRoutes({ state, actions, snapshot, applySettings }));
  app.route('/', messengerPageRoutes({ samples: images }));

  const server = createAdaptorServer({ fetch: app.fetch });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    sse.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  url = (options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  webhookUrl = `${url}/webhook`;
  void recheck();

  return {
    url,
    webhookUrl,
    state: snapshot,
    async updateSettings(patch) {
      const result = await applySettings(patch);
      if (result.status !== 200) throw new Error(`demo messenger settings refused: ${JSON.stringify(result.body)}`);
      return publicSettings();
    },
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const finish = (outcome: () => void) => {
          clearTimeout(timer);
          unsubscribe();
          outcome();
        };
        const check = () => {
          const current = snapshot();
          if (predicate(current)) finish(() => resolve(current));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`demo messenger: condition not met within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const unsubscribe = state.onChange(check);
        check();
      });
    },
    close() {
      stopping.abort();
      sse.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
