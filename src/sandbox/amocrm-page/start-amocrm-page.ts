import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { AmocrmPageOptions } from './amocrm-page-options';
import { amocrmPageRoutes } from './amocrm-page-routes';
import { bundleBrowserScripts } from './bundle-browser-scripts';
import { createPageUsers } from './create-page-users';
import { createSettingsStore } from './create-settings-store';
import { inboxRoutes } from './inbox-routes';
import { openWidgetSource } from './open-widget-source';

export interface AmocrmPage {
  /** e.g. http://127.0.0.1:41234 — `/` is the settings page, `/inbox` the inbox. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const WIDGET_CODE = /^[a-z0-9_]{1,64}$/;

/**
 * The emulated amoCRM page and the manager's inbox on one local server: the built widget loaded as amoCRM loads
 * it, one-time tokens minted with the sandbox integration secret, and the amojo emulator's chats to answer.
 */
export async function startAmocrmPage(options: AmocrmPageOptions): Promise<AmocrmPage> {
  const widgetCode = options.widgetCode ?? 'sandbox_channel_link';
  if (!WIDGET_CODE.test(widgetCode)) throw new Error(`widgetCode must match ${WIDGET_CODE}, got ${widgetCode}`);
  new URL(options.integration.audience); // a bad audience fails here, not at the first token
  const source = openWidgetSource({
    ...(options.widgetZip === undefined ? {} : { zip: options.widgetZip }),
    ...(options.widgetDir === undefined ? {} : { dir: options.widgetDir }),
  });
  const now = options.now ?? (() => new Date());
  const assets = await bundleBrowserScripts();
  const settings = createSettingsStore({
    status: options.installed === true ? 'installed' : 'install',
    settings: { ...options.savedSettings },
  });

  const users = createPageUsers(options.user, options.users);

  const app = new Hono();
  app.route(
    '/',
    amocrmPageRoutes({ options, source, widgetCode, settings, users, assets, now, newId: options.newId ?? randomUUID }),
  );
  app.route('/', inboxRoutes({ options, source, users, now }));
  app.onError((error, c) => {
    console.error('amoCRM sandbox page: unexpected error', error);
    return c.json({ error: 'internal error in the sandbox page' }, 500);
  });

  const host = options.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // the inbox polls over keep-alive connections; without this close() would wait for them to idle out
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
