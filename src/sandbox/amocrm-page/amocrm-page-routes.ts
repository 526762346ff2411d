import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Context, Hono } from 'hono';
import { z } from 'zod/mini';
import type { AmocrmPageOptions } from './amocrm-page-options';
import { buildCrmBootstrap } from './build-crm-bootstrap';
import { contentTypeOf } from './content-type-of';
import { type SettingsStore, widgetSettingsInput } from './create-settings-store';
import { mintOneTimeToken, ONE_TIME_TOKEN_TTL_SECONDS } from './mint-one-time-token';
import type { WidgetSource } from './open-widget-source';
import { type CrmLang, crmLangs } from './page-types';
import { renderCrmPage } from './render-crm-page';

export interface AmocrmPageRouteDeps {
  readonly options: AmocrmPageOptions;
  readonly source: WidgetSource;
  readonly widgetCode: string;
  readonly settings: SettingsStore;
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
 * vendor files, and the sandbox endpoints its script calls (one-time tokens, saved widget settings).
 */
export function amocrmPageRoutes(deps: AmocrmPageRouteDeps): Hono {
  const { options, source, widgetCode, settings } = deps;
  const app = new Hono();
  const vendor = readVendor();
  const widgetPrefix = `/widgets/${widgetCode}/`;

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
    const now = deps.now();
    const token = await mintOneTimeToken({
      secret: options.integration.clientSecret,
      clientId: options.integration.clientId,
      audience: options.integration.audience,
      accountId: options.account.id,
      subdomain: options.account.subdomain,
      domain: options.account.domain ?? 'amocrm.ru',
      userId: options.user.id,
      jti: deps.newId(),
      now,
    });
    const expiresAt = Math.floor(now.getTime() / 1000) + ONE_TIME_TOKEN_TTL_SECONDS;
    return c.json({ token, expires_at: expiresAt }, 200, noStore);
  });

  app.get('/_sandbox/widget-settings', (c) => c.json(settings.get(), 200, noStore));

  app.put('/_sandbox/widget-settings', async (c) => {
    if (!isSameOrigin(c)) return c.json({ error: 'cross-site request refused' }, 403);
    const parsed = z.safeParse(widgetSettingsInput, await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json({ error: 'expected {status: "install"|"installed", settings: {code: string}}' }, 400);
    // Uninstalling the integration disconnects its channel at amojo (chats-api §1.2); the next install must connect
    // again, which is what the widget's onSave does.
    if (settings.get().status === 'installed' && parsed.data.status === 'install') {
      options.emulator.uninstall(options.account.amojo_id);
    }
    settings.set(parsed.data);
    return c.json(settings.get(), 200, noStore);
  });

  return app;
}
