import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { createAmojoClient } from '../../../../src/amojo/create-amojo-client';
import { linkPutResponseSchema } from '../../../../src/contracts/link';
import { egressPolicies, parseEgressSettings } from '../../../../src/egress/egress-settings';
import { createLogger } from '../../../../src/observability/create-logger';
import { createMetrics } from '../../../../src/observability/create-metrics';
import type { RelayRunner } from '../../../../src/relay/create-relay-runner';
import { createRelayWorker } from '../../../../src/relay/create-relay-worker';
import { startAmojoEmulator } from '../../../../src/sandbox/amojo-emulator/start-amojo-emulator';
import { widgetLinkRoutes } from '../../../../src/server/routes/widget-link-routes';
import { findLinkByAccountId } from '../../../../src/store/links-repo';
import { migrateToLatest } from '../../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../../src/store/open-database';
import { createSecretBox } from '../../../../src/store/secret-box';
import { createFakeAmocrmClient } from '../../../helpers/fake-amocrm-client';
import { seedInstallation } from '../../../helpers/seed-installation';
import { startFakeMessenger } from '../../../relay/helpers/fake-messenger';
import { CHANNEL_ID, CHANNEL_SECRET, MESSENGER_SECRET, waitFor } from '../../../relay/helpers/relay-fixtures';
import { startIngress } from '../../../relay/helpers/start-ingress';
import { ACCOUNT_A, ADMIN_USER_ID, BACKEND_ORIGIN, CLIENT_ID, CLIENT_SECRET, grantUrlOf, mintToken } from './harness';

// amojo may send hooks for a scope as soon as its connect has happened, before its answer reaches us. The link row is
// written, pending, before the connect, so such a hook finds its scope: stored, and delivered once a worker runs.
describe('a hook that arrives while amojo is connecting', () => {
  let close: (() => Promise<void>)[] = [];
  beforeEach(() => {
    close = [];
  });
  afterEach(async () => {
    for (const step of close.reverse()) await step();
  });

  it('is accepted, stored and later delivered to the messenger', async () => {
    const opened = openDatabase('sqlite::memory:');
    const { db } = opened;
    await migrateToLatest(db);
    close.push(() => opened.close());
    const ingress = await startIngress(db);
    close.push(() => ingress.close());
    const messenger = await startFakeMessenger(MESSENGER_SECRET);
    close.push(() => messenger.close());
    const emulator = await startAmojoEmulator({
      channelId: CHANNEL_ID,
      secret: CHANNEL_SECRET,
      hookUrl: ingress.hookUrl,
    });
    close.push(() => emulator.close());

    await seedInstallation(db, ACCOUNT_A, Date.now());
    const amocrm = createFakeAmocrmClient({
      [ACCOUNT_A.accountId]: { subdomain: ACCOUNT_A.subdomain, amojoId: ACCOUNT_A.amojoId, admins: [ADMIN_USER_ID] },
    });

    const duringConnect: { hookState?: string; linkPendingThen?: boolean | undefined } = {};
    const app = widgetLinkRoutes({
      db,
      config: {
        sandbox: true,
        publicUrl: BACKEND_ORIGIN,
        amocrm: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${BACKEND_ORIGIN}/oauth/callback` },
        channel: { id: CHANNEL_ID },
      },
      // The messenger listens on loopback, which the sandbox's egress policy opens.
      egress: egressPolicies(parseEgressSettings('127.0.0.0/8'), true).webhooks,
      logger: createLogger({ level: 'silent' }),
      secretBox: createSecretBox(randomBytes(32).toString('base64')),
      amocrm: amocrm.client,
      grantUrl: grantUrlOf,
      amojoFor: () => {
        const client = createAmojoClient({ channelId: CHANNEL_ID, secret: CHANNEL_SECRET, baseUrl: emulator.url });
        return {
          disconnect: (request, options) => client.disconnect(request, options),
          async connect(request, options) {
            const answer = await client.connect(request, options);
            // A manager writes first at once: amojo's hook reaches us before its connect answer does.
            const started = await emulator.startWriteFirst({
              scopeId: answer.scope_id,
              phone: '+79990001122',
              name: 'Ivan',
              message: { type: 'text', text: 'Hello, right away' },
            });
            duringConnect.hookState = started.hook.state;
            duringConnect.linkPendingThen = (await findLinkByAccountId(db, ACCOUNT_A.accountId))?.pending;
            return answer;
          },
        };
      },
    });

    const response = await app.request('http://backend.test/api/widget/link', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': await mintToken(new Date()) },
      body: JSON.stringify({
        // The page may show the amojo id in upper case; the link and its scope use lower case.
        amojo_id: ACCOUNT_A.amojoId.toUpperCase(),
        title: 'Shop',
        webhook_url: messenger.url,
        time_window_disabled: false,
      }),
    });
    expect(response.status).toBe(201);
    expect(parse(linkPutResponseSchema, await response.json()).created).toBe(true);
    expect(duringConnect).toEqual({ hookState: 'delivered', linkPendingThen: true });
    const link = await findLinkByAccountId(db, ACCOUNT_A.accountId);
    expect(link).toMatchObject({
      pending: false,
      amojoId: ACCOUNT_A.amojoId,
      scopeId: `${CHANNEL_ID}_${ACCOUNT_A.amojoId}`,
    });
    expect(await db.selectFrom('inbox').select('linkId').execute()).toEqual([{ linkId: link?.id }]);

    const worker: RelayRunner = createRelayWorker({
      db,
      channel: { id: CHANNEL_ID, secret: CHANNEL_SECRET, botId: emulator.bot.id },
      amojoBaseUrl: emulator.url,
      signingSecretOf: () => MESSENGER_SECRET,
      idleMs: 20,
      metrics: createMetrics(),
    });
    worker.start();
    close.push(() => worker.stop());
    const event = await waitFor('the delivery', () => messenger.accepted()[0]);
    expect(event).toMatchObject({ type: 'conversation.started', message: { type: 'text', text: 'Hello, right away' } });
  });
});
