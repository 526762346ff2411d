import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type ActionResult, actionError } from './action-result';
import { apiRoutes } from './api-routes';
import { createClientActions } from './create-client-actions';
import { createNumberRuntime, type NumberRuntime } from './create-number-runtime';
import { createSseHub } from './create-sse-hub';
import type { DemoNumber, DemoSnapshot, PublicSettings } from './demo-messenger-types';
import { handleWebhook } from './handle-webhook';
import { messengerPageRoutes } from './messenger-page-routes';
import { MessengerState } from './messenger-state';
import { numberDataFile } from './number-data-file';
import type { SettingsPatch } from './open-settings-store';
import { renderSampleImages } from './render-sample-images';

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
  /**
   * The messenger's numbers, each linked to the backend on its own (its own key, secret and webhook path
   * `/webhook/<id>`); `defaultNumbers` (one) when omitted. The first also answers at `/webhook` and keeps `dataFile`.
   */
  numbers?: readonly DemoNumber[];
}

export interface DemoMessenger {
  /** The page, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What the admin pastes into the widget panel for the first number: `<url>/webhook`. */
  webhookUrl: string;
  /** Every number with its webhook URL (`<url>/webhook/<id>`; the first number's is `<url>/webhook`). */
  numbers(): (DemoNumber & { webhookUrl: string })[];
  /** A deep copy of everything the page sees. */
  state(): DemoSnapshot;
  /**
   * The same as `PUT /api/settings` (the first number) or `PUT /api/numbers/<id>/settings`: checks with the bridge
   * first, and rejects (saving nothing) when that fails.
   */
  updateSettings(patch: SettingsPatch, numberId?: string): Promise<PublicSettings>;
  /** Resolves with the first snapshot (now or after a change) that passes `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (snapshot: DemoSnapshot) => boolean, timeoutMs?: number): Promise<DemoSnapshot>;
  close(): Promise<void>;
}

/** The number a messenger runs when it is given none: the one it always had, under the plain `/webhook`. */
export const defaultNumbers: readonly DemoNumber[] = [{ id: 'main', label: 'Main number' }];

const numberIdPattern = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** The sandbox's demo messenger: a small server and page that speak only the public bridge contract. */
export async function startDemoMessenger(options: DemoMessengerOptions = {}): Promise<DemoMessenger> {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const host = options.host ?? '127.0.0.1';
  const numbers = options.numbers ?? defaultNumbers;
  if (numbers.length === 0) throw new Error('demo messenger: at least one number');
  for (const number of numbers) {
    if (!numberIdPattern.test(number.id)) throw new Error(`demo messenger: number id "${number.id}" is not URL-safe`);
  }
  if (new Set(numbers.map((n) => n.id)).size !== numbers.length) throw new Error('demo messenger: duplicate number id');
  const state = new MessengerState(now);
  const images = renderSampleImages();
  // Known once the server listens; every route reads them lazily, so the app is complete before the first request.
  let url = '';
  // The first number also answers at the plain `/webhook`, where a messenger with one number always had it.
  const webhookUrlOf = (numberId: string) =>
    numberId === numbers[0]!.id ? `${url}/webhook` : `${url}/webhook/${numberId}`;
  // Ends the waits of background work (second ticks, repeated receipts) when the messenger closes.
  const stopping = new AbortController();
  const fetchBridge = options.fetch ?? fetch;
  const bridgeTimeoutMs = options.bridgeTimeoutMs ?? 10_000;
  const samples = () => images.map((i) => ({ name: i.name, url: `${url}/media/${i.name}`, size: i.png.length }));

  const runtimes = new Map<string, NumberRuntime>(
    numbers.map((number, index) => [
      number.id,
      createNumberRuntime({
        number: { id: number.id, label: number.label },
        dataFile: numberDataFile(options.dataFile, number.id, index === 0),
        bridgeUrl: options.bridgeUrl,
        fetch: fetchBridge,
        timeoutMs: bridgeTimeoutMs,
        now,
        changed: () => state.changed(),
        webhookUrl: () => webhookUrlOf(number.id),
      }),
    ]),
  );
  const first = runtimes.get(numbers[0]!.id)!;
  const runtimeOf = (numberId: string | undefined) => (numberId === undefined ? first : runtimes.get(numberId));
  const numberViews = () =>
    [...runtimes.values()].map((r) => ({
      ...r.number,
      webhookUrl: webhookUrlOf(r.number.id),
      settings: r.publicSettings(),
    }));
  const snapshot = () => state.snapshot(first.publicSettings(), samples(), numberViews());
  const sse = createSseHub(snapshot);
  state.onChange(() => sse.broadcast());
  const applySettings = async (patch: SettingsPatch, numberId?: string): Promise<ActionResult> => {
    const runtime = runtimeOf(numberId);
    if (runtime === undefined)
      return actionError(404, 'number_not_found', 'This messenger has no number with this id.');
    return runtime.applySettings(patch);
  };

  const actions = createClientActions({
    state,
    // a conversation the state does not know (gone with a restart) cannot be sent through anyway: the first number
    bridge: (numberId) => (runtimes.get(numberId) ?? first).bridge,
    now,
    newId,
    sample: (name) => samples().find((s) => s.name === name),
    retryDelaysMs: options.retryDelaysMs ?? [250, 1000, 3000],
    statusPollDelaysMs: options.statusPollDelaysMs ?? [200, 400, 800, 1600, 3200, 6400],
    sleep: (ms) => sleep(ms, undefined, { signal: stopping.signal }),
  });

  const app = new Hono();
  const takeWebhook = async (c: Context, runtime: NumberRuntime) => {
    const result = handleWebhook(
      {
        state,
        signingSecret: runtime.settings.get().signingSecret,
        now,
        newId,
        numberId: runtime.number.id,
        identityNumberId: runtime === first ? undefined : runtime.number.id,
      },
      {
        body: new Uint8Array(await c.req.arrayBuffer()),
        timestamp: c.req.header('x-channel-timestamp'),
        signature: c.req.header('x-channel-signature'),
        eventIdHeader: c.req.header('x-channel-event-id'),
      },
    );
    return c.json(result.body, result.status as 200);
  };
  const webhookBodyLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: (c) => c.json({ error: { code: 'payload_too_large', message: 'The body is over 1 MiB.' } }, 413),
  });
  app.post('/webhook', webhookBodyLimit, (c) => takeWebhook(c, first));
  app.post('/webhook/:numberId', webhookBodyLimit, async (c) => {
    const runtime = runtimes.get(c.req.param('numberId'));
    if (runtime === undefined) {
      return c.json(
        { error: { code: 'number_not_found', message: 'This messenger has no number with this id.' } },
        404,
      );
    }
    return takeWebhook(c, runtime);
  });
  app.get('/events', () => sse.connect());
  app.route('/', apiRoutes({ state, actions, snapshot, applySettings, numberIds: numbers.map((n) => n.id) }));
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
  for (const runtime of runtimes.values()) void runtime.recheck();

  return {
    url,
    webhookUrl: webhookUrlOf(first.number.id),
    numbers: () => numbers.map((n) => ({ id: n.id, label: n.label, webhookUrl: webhookUrlOf(n.id) })),
    state: snapshot,
    async updateSettings(patch, numberId) {
      const result = await applySettings(patch, numberId);
      if (result.status !== 200) throw new Error(`demo messenger settings refused: ${JSON.stringify(result.body)}`);
      return runtimeOf(numberId)!.publicSettings();
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
