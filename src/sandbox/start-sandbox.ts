import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { amojoBaseUrl } from '../amojo/amojo-hosts';
import { createAmojoClient } from '../amojo/create-amojo-client';
import type { Logger } from '../observability/create-logger';
import { loadConfig } from '../server/config';
import { DEFAULT_REDIRECT_PATH, startBackend } from '../server/start-backend';
import { findInstallation } from '../store/installations-repo';
import { findLinkByAccountId } from '../store/links-repo';
import { openDatabase } from '../store/open-database';
import { startAmocrmEmulator } from './amocrm-emulator/start-amocrm-emulator';
import type { AmocrmPageOptions } from './amocrm-page/amocrm-page-options';
import type { InboxDirectoryOption } from './amocrm-page/inbox-routes';
import { mintOneTimeToken } from './amocrm-page/mint-one-time-token';
import { startAmocrmPage } from './amocrm-page/start-amocrm-page';
import { startAmojoEmulator } from './amojo-emulator/start-amojo-emulator';
import { buildSandboxWidget } from './build-sandbox-widget';
import { startDemoMessenger } from './demo-messenger/start-demo-messenger';
import { sandboxBanner } from './sandbox-banner';
import { loadSandboxCredentials, type SandboxCredentials } from './sandbox-credentials';
import { ignoredBySandbox, sandboxEnv } from './sandbox-env';
import { createSandboxInboxDirectory } from './sandbox-inbox-directory';
import { type SeedOutcome, seedSandboxNumbers } from './sandbox-seed-numbers';

export interface StartSandboxOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Where the credentials, the database and the sandbox's widget build live (default ./data). */
  dataDir?: string;
  /** Print the URLs (default true). */
  announce?: boolean;
  /**
   * Link the demo messenger's two numbers ("Sales", "Support") through the backend's link API, each in the pipeline
   * of that name, once the widget is installed and the account has no number yet (default true).
   */
  seedNumbers?: boolean;
}

export interface Sandbox {
  url: string;
  /** `amocrmApi` is the amoCRM emulator (OAuth, REST, the access popup, its control API); `amocrm` the page. */
  urls: Record<'backend' | 'amojo' | 'amocrm' | 'amocrmApi' | 'inbox' | 'messenger', string>;
  /** The first number's webhook URL (the one the widget form starts with). */
  messengerWebhookUrl: string;
  /** What became of linking the demo numbers: settles once done, found unneeded, failed, or stopped by close(). */
  seeded: Promise<SeedOutcome>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
export const SANDBOX_ACCOUNT = { id: 31_000_001, subdomain: 'sandbox' } as const;
/** The account's administrator: the page starts as this user, who installs the widget and links the channel. */
export const SANDBOX_USER = { id: 7_001, name: 'Sandbox Admin', isAdmin: true } as const;
/** A user who is not an admin: the widget shows them the channel read-only, and the backend refuses their changes. */
export const SANDBOX_MANAGER = { id: 7_002, name: 'Sandbox Manager', isAdmin: false } as const;
/**
 * The demo messenger's numbers: each becomes one link (one amoCRM source) routed to the pipeline of the same name,
 * which the amoCRM emulator seeds. The first keeps the messenger's `/webhook` and data file from before it had two.
 */
export const SANDBOX_NUMBERS = [
  { id: 'sales', label: 'Sales', pipelineName: 'Sales' },
  { id: 'support', label: 'Support', pipelineName: 'Support' },
] as const;

/**
 * Everything on 127.0.0.1 with no amoCRM account: generated channel and integration credentials (kept in
 * data/sandbox/sandbox.json so links survive a restart), the amojo emulator, the amoCRM emulator (OAuth, REST, the
 * install redirect and disconnect hook), the backend in sandbox mode, the emulated amoCRM page with the real widget
 * and the manager's inbox, and the demo messenger. PORT=0 picks free ports.
 */
export async function startSandbox(options: StartSandboxOptions): Promise<Sandbox> {
  // Its own folder: production's default database is ./data/channel.db, and a sandbox started by mistake (an env file
  // that failed to load) must never migrate, drain or relink it.
  const dataDir = options.dataDir ?? './data/sandbox';
  const ignored = ignoredBySandbox(options.env);
  // Said first and plainly: whoever meant production sees at once that this is not it, and what was set aside.
  const banner = sandboxBanner(dataDir, ignored);
  if (options.announce !== false) console.info(banner);
  options.logger.info({ sandbox: true, dataDir, ignored }, 'starting the offline sandbox, not a production channel');
  const credentials = loadSandboxCredentials(join(dataDir, 'sandbox.json'));
  const ports = await sandboxPorts(Number(options.env.PORT ?? 8080));
  const backendUrl = `http://${HOST}:${ports.backend}`;
  const redirectUri = `${backendUrl}${DEFAULT_REDIRECT_PATH}`;
  const widgetZip = await buildSandboxWidget(backendUrl, join(dataDir, 'widget'));
  // every page is known before any starts, so each one's `/` can link the others
  const pages = sandboxPages(ports);
  const linksBut = (own: keyof typeof pages) =>
    Object.entries(pages)
      .filter(([key]) => key !== own)
      .map(([, page]) => page);

  const emulator = await startAmojoEmulator({
    channelId: credentials.AMOJO_CHANNEL_ID,
    secret: credentials.AMOJO_CHANNEL_SECRET,
    hookUrl: `${backendUrl}/amojo/webhook/:scope_id`,
    host: HOST,
    port: ports.amojo,
    channelTitle: 'Sandbox channel',
    bot: { id: credentials.AMOJO_BOT_ID, name: credentials.AMOJO_BOT_NAME },
    // both users answer in the inbox as themselves
    managers: [
      { id: credentials.SANDBOX_USER_AMOJO_ID, name: SANDBOX_USER.name },
      { id: credentials.SANDBOX_MANAGER_AMOJO_ID, name: SANDBOX_MANAGER.name },
    ],
    links: linksBut('amojo'),
  });
  const amocrm = await startAmocrmEmulator({
    host: HOST,
    port: ports.amocrmApi,
    clientId: credentials.AMOCRM_CLIENT_ID,
    clientSecret: credentials.AMOCRM_CLIENT_SECRET,
    redirectUri,
    disconnectHookUrl: `${backendUrl}/amocrm/disconnect`,
    accounts: [
      {
        ...SANDBOX_ACCOUNT,
        domain: 'amocrm.ru',
        amojoId: credentials.SANDBOX_ACCOUNT_AMOJO_ID,
        name: 'Sandbox account',
      },
    ],
    users: [SANDBOX_USER, SANDBOX_MANAGER].map((user) => ({ ...user, accountId: SANDBOX_ACCOUNT.id })),
    links: linksBut('amocrmApi'),
  });
  const config = loadConfig(
    sandboxEnv(options.env, credentials, {
      dataDir,
      backendUrl,
      backendPort: ports.backend,
      amojoUrl: emulator.url,
      amocrmUrl: amocrm.url,
      redirectUri,
    }),
  );
  const stored = await restoreConnection(config.databaseUrl, emulator.url, credentials);
  const backend = await startBackend(config, { logger: options.logger, hostname: HOST, links: linksBut('backend') });
  if (stored === 'active') {
    // The emulator's grants died with the last run, so the tokens the database holds mean nothing to it: an install
    // (its redirect, then the backend's code exchange) replaces them, as installing again in amoCRM would. A lapsed
    // grant (needs_reauthorization) is left lapsed: the panel's Grant access is its way back, as in amoCRM.
    const { delivery } = await amocrm.emulator.install(SANDBOX_ACCOUNT.id, SANDBOX_USER.id);
    options.logger.info({ delivery: delivery.state }, 'sandbox: the stored installation was granted again');
  }
  const messenger = await startDemoMessenger({
    host: HOST,
    port: ports.messenger,
    bridgeUrl: backendUrl,
    dataFile: join(dataDir, 'demo-messenger.json'),
    numbers: SANDBOX_NUMBERS.map(({ id, label }) => ({ id, label })),
  });
  // amoCRM's side of the inbox's chats (source and pipeline names, bound contacts), from the amoCRM emulator; passed
  // through the page options, which startAmocrmPage hands to the inbox as they are
  const pageOptions: AmocrmPageOptions & InboxDirectoryOption = {
    inboxDirectory: createSandboxInboxDirectory({ amocrmUrl: amocrm.url, accountId: SANDBOX_ACCOUNT.id }),
    host: HOST,
    port: ports.amocrm,
    emulator,
    backendUrl,
    account: { ...SANDBOX_ACCOUNT, amojo_id: credentials.SANDBOX_ACCOUNT_AMOJO_ID },
    user: { ...SANDBOX_USER, amojo_id: credentials.SANDBOX_USER_AMOJO_ID },
    users: [
      { ...SANDBOX_USER, amojo_id: credentials.SANDBOX_USER_AMOJO_ID },
      { ...SANDBOX_MANAGER, amojo_id: credentials.SANDBOX_MANAGER_AMOJO_ID },
    ],
    amocrm: amocrm.emulator,
    // the backend holds the installation from the last run (lapsed or not): the widget is installed, as in amoCRM
    installed: stored === 'active' || stored === 'needs_reauthorization',
    integration: {
      clientId: credentials.AMOCRM_CLIENT_ID,
      clientSecret: credentials.AMOCRM_CLIENT_SECRET,
      audience: backendUrl,
    },
    widgetZip,
    // as after an install from amoMarket, the settings open by themselves, and the link form starts with the demo
    // messenger's webhook URL: the widget keeps the URL last linked in its field, which the page fills in ahead
    openSettingsUntilInstalled: true,
    savedSettings: { channel_link: JSON.stringify({ webhook_url: messenger.webhookUrl }) },
    links: [pages.messenger],
    // the panel reopened after Install lists the demo numbers the sandbox links right then
    afterInstall: () => seeded,
  };
  const page = await startAmocrmPage(pageOptions);
  const seeding = new AbortController();
  const seeded: Promise<SeedOutcome> =
    options.seedNumbers === false
      ? Promise.resolve({ state: 'stopped' })
      : seedSandboxNumbers({
          backendUrl,
          // as the admin, whom amoCRM would sign the widget's token for right after the install
          mintToken: () =>
            mintOneTimeToken({
              secret: credentials.AMOCRM_CLIENT_SECRET,
              clientId: credentials.AMOCRM_CLIENT_ID,
              audience: backendUrl,
              accountId: SANDBOX_ACCOUNT.id,
              subdomain: SANDBOX_ACCOUNT.subdomain,
              domain: 'amocrm.ru',
              userId: SANDBOX_USER.id,
              jti: randomUUID(),
              now: new Date(),
            }),
          amojoId: credentials.SANDBOX_ACCOUNT_AMOJO_ID,
          numbers: messenger.numbers().map((number, index) => ({
            numberId: number.id,
            title: number.label,
            pipelineName: SANDBOX_NUMBERS[index]?.pipelineName ?? number.label,
            webhookUrl: number.webhookUrl,
          })),
          configure: (numberId, linkCredentials) => messenger.updateSettings(linkCredentials, numberId),
          signal: seeding.signal,
        }).then((outcome) => {
          if (outcome.state === 'failed') {
            options.logger.warn({ reason: outcome.reason }, 'sandbox: the demo numbers were not linked');
          } else if (outcome.state === 'seeded') {
            options.logger.info({ links: outcome.linkIds }, 'sandbox: linked the demo numbers Sales and Support');
          }
          return outcome;
        });

  const urls = {
    backend: backendUrl,
    amojo: emulator.url,
    amocrm: page.url,
    amocrmApi: amocrm.url,
    inbox: `${page.url}/inbox`,
    messenger: messenger.url,
  };
  if (options.announce !== false) {
    console.info(
      [
        'Sandbox running; start at the first page (README.md, "To see it work"):',
        `  amoCRM page (widget settings)   ${urls.amocrm}`,
        `  manager's inbox                 ${urls.inbox}`,
        `  demo messenger                  ${urls.messenger}   (numbers Sales and Support: linked once the widget is installed)`,
        `  backend                         ${urls.backend}   (/openapi.json, /metrics)`,
        `  amojo emulator                  ${urls.amojo}`,
        `  amoCRM emulator (OAuth, REST)   ${urls.amocrmApi}`,
      ].join('\n'),
    );
  }
  return {
    url: backendUrl,
    urls,
    messengerWebhookUrl: messenger.webhookUrl,
    seeded,
    close: async () => {
      seeding.abort();
      await seeded;
      await messenger.close();
      await page.close();
      await backend.close();
      await amocrm.close();
      await emulator.close();
    },
  };
}

/** What each page is called on the others' root pages and top bars. */
function sandboxPages(ports: Awaited<ReturnType<typeof sandboxPorts>>) {
  const at = (port: number, path = '') => `http://${HOST}:${port}${path}`;
  return {
    amocrm: { label: 'amoCRM page (widget settings)', url: at(ports.amocrm) },
    inbox: { label: "Manager's inbox", url: at(ports.amocrm, '/inbox') },
    messenger: { label: 'Demo messenger', url: at(ports.messenger) },
    backend: { label: 'Backend', url: at(ports.backend) },
    amojo: { label: 'amojo emulator', url: at(ports.amojo) },
    amocrmApi: { label: 'amoCRM emulator (OAuth, REST)', url: at(ports.amocrmApi) },
  };
}

/** PORT and the four after it, or five free ports when PORT is 0 (tests). */
async function sandboxPorts(base: number) {
  if (base !== 0) {
    return { backend: base, amojo: base + 1, amocrm: base + 2, messenger: base + 3, amocrmApi: base + 4 };
  }
  const [backend, amojo, amocrm, messenger, amocrmApi] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  return { backend: backend!, amojo: amojo!, amocrm: amocrm!, messenger: messenger!, amocrmApi: amocrmApi! };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Both emulators keep their state in memory, while the database remembers the last run. amojo is told of the link's
 * connection again (real amojo would remember it) unless the link is parked (the widget was disabled: its scope stays
 * disconnected until Install). Answers the stored installation's state, or null on a first start.
 */
async function restoreConnection(databaseUrl: string, emulatorUrl: string, credentials: SandboxCredentials) {
  const opened = openDatabase(databaseUrl);
  try {
    // A first start has no tables yet; the backend migrates them.
    const installation = await findInstallation(opened.db, SANDBOX_ACCOUNT.id).catch(() => undefined);
    const link = await findLinkByAccountId(opened.db, SANDBOX_ACCOUNT.id).catch(() => undefined);
    if (link !== undefined && link.scopeId !== null && link.parkedAt === null) {
      const amojo = createAmojoClient({
        channelId: credentials.AMOJO_CHANNEL_ID,
        secret: credentials.AMOJO_CHANNEL_SECRET,
        baseUrl: amojoBaseUrl('ru', emulatorUrl),
      });
      await amojo.connect({
        account_id: link.amojoId,
        title: link.title,
        hook_api_version: 'v2',
        is_time_window_disabled: link.timeWindowDisabled,
      });
    }
    return installation?.state ?? null;
  } finally {
    await opened.close();
  }
}
