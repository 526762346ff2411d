import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Context, Hono } from 'hono';
import { z } from 'zod/mini';
import { ControlError } from '../control-api/control-error';
import type { AmocrmPageOptions } from './amocrm-page-options';
import { buildCrmBootstrap } from './build-crm-bootstrap';
import { contentTypeOf } from './content-type-of';
import type { PageUsers } from './create-page-users';
import { type SettingsStore, widgetSettingsInput } from './create-settings-store';
import { leadSourcesOf } from './lead-sources-of';
import { mintOneTimeToken, ONE_TIME_TOKEN_TTL_SECONDS } from './mint-one-time-token';
import type { WidgetSource } from './open-widget-source';
import { type CrmLang, crmLangs } from './page-types';
import { renderCrmPage } from './render-crm-page';
import { waitForInstallation } from './wait-for-installation';

export interface AmocrmPageRouteDeps {
  readonly options: AmocrmPageOptions;
  readonly source: WidgetSource;
  readonly widgetCode: string;
  readonly settings: SettingsStore;
  readonly users: PageUsers;
  readonly assets: ReadonlyMap<string, string>;
  readonly now: () => Date;
  readonly newId: () => string;
}

const vendorPaths = { requirejs: '/_sandbox/vendor/require.js', jquery: '/_sandbox/vendor/jquery.js' } as const;

function readVendor() {
  const require = createRequire(import.meta.url);
  return new Map<string, Buffer>([
    [vendorPaths.requirejs, readFileSync(require.resolve('requirejs/require.js'))],
    [vendorPaths.jquery, readFileSync(require.resolve('jquery/dist/jquery.js'))],
  ]);
}

const noStore = { 'Cache-Control': 'no-store' };
const currentUserInput = z.strictObject({ userId: z.number().check(z.int()) });
const DEFAULT_INSTALL_WAIT_MS = 10_000;

/**
 * The token is for this page's own script: a request another site's page sends (a different Origin, or
 * Sec-Fetch-Site cross-site) is refused, although it could not read the answer anyway.
 */
function isSameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return false;
  return c.req.header('sec-fetch-site') !== 'cross-site';
}

/**
 * The emulated amoCRM settings page (`/`), the widget archive under `/widgets/<code>/`, the page's own scripts and
 * vendor files, and the sandbox endpoints its script calls (one-time tokens, saved widget settings, install through
 * the amoCRM emulator, the user switch).
 */
export function amocrmPageRoutes(deps: AmocrmPageRouteDeps): Hono {
  const { options, source, widgetCode, settings, users } = deps;
  const app = new Hono();
  const vendor = readVendor();
  const widgetPrefix = `/widgets/${widgetCode}/`;

  // for the current user, as amoCRM signs every token for whoever has the page open
  const mint = () =>
    mintOneTimeToken({
      secret: options.integration.clientSecret,
      clientId: options.integration.clientId,
      audience: options.integration.audience,
      accountId: options.account.id,
      subdomain: options.account.subdomain,
      domain: options.account.domain ?? 'amocrm.ru',
      userId: users.current().id,
      jti: deps.newId(),
      now: deps.now(),
    });

  /**
   * Disabling the widget uninstalls the integration: amoCRM revokes its tokens and sends the signed disconnect hook
   * (crm-rest §1.8), and disconnects the channel at amojo by itself (chats-api §1.2: "uninstalling auto-disconnects
   * the channel"), so the page does both, as the platform would, whatever the backend does with the hook.
   */
  async function uninstall() {
    await options.amocrm?.uninstall(options.account.id);
    options.emulator.uninstall(options.account.amojo_id);
  }

  app.get('/', (c) => {
    const asked = c.req.query('lang');
    const lang: CrmLang = crmLangs.find((l) => l === asked) ?? options.lang ?? 'en';
    const theme = c.req.query('theme') === 'dark' ? 'dark' : 'light';
    const boot = buildCrmBootstrap({
      options,
      source,
      widgetCode,
      lang,
      theme,
      saved: settings.get(),
      user: users.current(),
      users: users.all,
      vendor: vendorPaths,
    });
    return c.html(renderCrmPage(boot), 200, noStore);
  });

  app.get('/widgets/*', (c) => {
    if (!c.req.path.startsWith(widgetPrefix)) return c.text('no such widget', 404);
    let path: string;
    try {
      path = decodeURIComponent(c.req.path.slice(widgetPrefix.length));
    } catch {
      return c.text('bad path', 400);
    }
    const file = source.read(path);
    if (file === null) return c.text(`${path} is not in the widget archive`, 404);
    return c.body(new Uint8Array(file), 200, { 'Content-Type': contentTypeOf(path), ...noStore });
  });

  app.get('/_sandbox/vendor/:file', (c) => {
    const file = vendor.get(c.req.path);
    return file === undefined
      ? c.notFound()
      : c.body(new Uint8Array(file), 200, { 'Content-Type': contentTypeOf(c.req.path) });
  });

  app.get('/_sandbox/assets/:file', (c) => {
    const code = deps.assets.get(c.req.param('file'));
    return code === undefined ? c.notFound() : c.body(code, 200, { 'Content-Type': contentTypeOf('x.js'), ...noStore });
  });

  // $authorizedAjax asks here for every call: a fresh jti each time, the integration secret never leaves the server
  app.post('/_sandbox/token', async (c) => {
    if (!isSameOrigin(c)) return c.json({ error: 'tokens are only minted for the sandbox page itself' }, 403);
    const expiresAt = Math.floor(deps.now().getTime() / 1000) + ONE_TIME_TOKEN_TTL_SECONDS;
    return c.json({ token: await mint(), expires_at: expiresAt }, 200, noStore);
  });

  /**
   * The modal's Install, before the widget's onSave: amoCRM installs the integration and calls the backend's
   * Redirect URI with a fresh code (crm-rest §1.2), as the current user, who must be an admin (403 otherwise). The
   * sandbox then waits (bounded) until the backend holds the installation, so the panel reopened after Install
   * shows it. Without an amoCRM emulator nothing is sent: `{delivery: null, installation: null}`.
   */
  app.post('/_sandbox/install', async (c) => {
    if (!isSameOrigin(c)) return c.json({ error: 'cross-site request refused' }, 403);
    if (options.amocrm === undefined) return c.json({ delivery: null, installation: null }, 200, noStore);
    let delivery: unknown;
    try {
      ({ delivery } = await options.amocrm.install(options.account.id, users.current().id));
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      const message =
        error.status === 403 ? 'Only an administrator of the account can install the widget.' : error.message;
      return c.json({ error: message }, error.status, noStore);
    }
    const timeoutMs = options.installWaitMs ?? DEFAULT_INSTALL_WAIT_MS;
    const installation =
      timeoutMs === 0
        ? 'unconfirmed'
        : await waitForInstallation({ backendUrl: options.backendUrl, mintToken: mint, timeoutMs });
    if (installation === 'active' && options.afterInstall) {
      await Promise.race([options.afterInstall(), sleep(timeoutMs)]);
    }
    return c.json({ delivery, installation }, 200, noStore);
  });

  app.get('/_sandbox/users', (c) => c.json({ current: users.current().id, users: users.all }, 200, noStore));

  // The top bar's user switch: the page's next tokens are this user's, and amoCRM's current user follows (the one
  // its access popup and its answers to the backend name).
  app.post('/_sandbox/current-user', async (c) => {
    if (!isSameOrigin(c)) return c.json({ error: 'cross-site request refused' }, 403);
    const parsed = z.safeParse(currentUserInput, await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'expected {userId: number}' }, 400);
    if (!users.select(parsed.data.userId)) return c.json({ error: `no user ${parsed.data.userId} on this page` }, 404);
    options.amocrm?.setCurrentUser(options.account.id, parsed.data.userId);
    return c.json({ current: users.current().id, users: users.all }, 200, noStore);
  });

  app.get('/_sandbox/widget-settings', (c) => c.json(settings.get(), 200, noStore));

  // The pipeline settings' lead-source tiles: the account's active pipelines and the integration's live sources at
  // the amoCRM emulator (what amoCRM shows there). Without an emulator there is nothing to show.
  app.get('/_sandbox/lead-sources', (c) => c.json(leadSourcesOf(options.amocrm, options.account.id), 200, noStore));

  app.put('/_sandbox/widget-settings', async (c) => {
    if (!isSameOrigin(c)) return c.json({ error: 'cross-site request refused' }, 403);
    const parsed = z.safeParse(widgetSettingsInput, await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json({ error: 'expected {status: "install"|"installed", settings: {code: string}}' }, 400);
    // Disable stores the 'install' status after the widget's onSave(active N): that is when amoCRM uninstalls.
    if (settings.get().status === 'installed' && parsed.data.status === 'install') await uninstall();
    settings.set(parsed.data);
    return c.json(settings.get(), 200, noStore);
  });

  return app;
}
