import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { AmocrmPageOptions } from '../../../src/sandbox/amocrm-page/amocrm-page-options';
import { type AmocrmPage, startAmocrmPage } from '../../../src/sandbox/amocrm-page/start-amocrm-page';
import { ACCOUNT_ID, type Harness, startHarness } from '../amojo-emulator/harness';

export const BACKEND_URL = 'http://127.0.0.1:8080';
export const CLIENT_ID = '0b0832f6-d123-4123-9123-e73f236833c1';
export const CLIENT_SECRET = 'sandbox-integration-secret-0123456789abcdef';
export const REDIRECT_URI = 'http://127.0.0.1:8080/oauth/callback';
export const USER_AMOJO_ID = '7c4e1f5a-9b3d-4e2a-8f61-0d2c3b4a5e6f';
export const ACCOUNT = { id: 31_415_926, subdomain: 'acme', amojo_id: ACCOUNT_ID };
export const USER = { id: 504_141, name: 'Anna Admin', amojo_id: USER_AMOJO_ID };
export const MANAGER_AMOJO_ID = '2a5d0c7e-4f1b-4c3d-9e8a-7b6c5d4e3f21';
/** A user who is not an admin, for the user switch. */
export const MANAGER = { id: 504_142, name: 'Mark Manager', amojo_id: MANAGER_AMOJO_ID, isAdmin: false };

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

export const testManifest = {
  widget: {
    name: 'widget.name',
    description: 'widget.description',
    short_description: 'widget.short_description',
    version: '1.2.3',
    interface_version: 2,
    locale: ['en', 'ru'],
    installation: true,
  },
  locations: ['settings'],
  settings: {
    channel_link: { name: 'settings.channel_link', type: 'custom', required: true },
    label: { name: 'settings.label', type: 'text', required: false },
  },
};

/** A stand-in script.js: the page only loads it in a browser, so its content matters only as bytes here. */
export const testScript = `define(['jquery'], function ($) {\n  var backend = '${BACKEND_URL}';\n  return function () { this.callbacks = {}; return this; };\n});\n`;

/** A stand-in style.css: the widget links `<path>/style.css?v=<version>` from the archive itself. */
export const testStylesheet = '.channel-link-widget {\n  color: #313942;\n}\n';

/** A small widget.zip in the archive's layout, written to a temp dir. */
export function writeTestZip(overrides: Record<string, Uint8Array | null> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'amocrm-page-test-'));
  const files: Record<string, Uint8Array> = {
    'manifest.json': encode(testManifest),
    'script.js': encode(testScript),
    'i18n/en.json': encode({
      widget: { name: 'Test channel', short_description: 'Short', description: 'Account #SUBDOMAIN# (#ACCOUNT_ID#)' },
      settings: { channel_link: 'Channel link', label: 'Label' },
    }),
    'i18n/ru.json': encode({
      widget: { name: 'Тестовый канал', short_description: 'Кратко', description: 'Аккаунт #SUBDOMAIN#' },
      settings: { channel_link: 'Связь', label: 'Метка' },
    }),
    'images/logo_main.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    'style.css': encode(testStylesheet),
  };
  for (const [name, data] of Object.entries(overrides)) {
    if (data === null) delete files[name];
    else files[name] = data;
  }
  const zipPath = join(dir, 'widget.zip');
  writeFileSync(zipPath, zipSync(files));
  return { zipPath, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type PageHarness = Awaited<ReturnType<typeof startPageHarness>>;

/** The amojo emulator (with a hook receiver and a settable clock) and the page server on 127.0.0.1:0. */
export async function startPageHarness(options: Partial<AmocrmPageOptions> = {}) {
  // the page user is not the emulator's first manager, so acting as the default manager would show in the hooks
  const amojo: Harness = await startHarness({
    managers: [
      { name: 'Default Manager' },
      { id: USER_AMOJO_ID, name: USER.name },
      { id: MANAGER_AMOJO_ID, name: MANAGER.name },
    ],
  });
  const zip = writeTestZip();
  let jti = 0;
  const page: AmocrmPage = await startAmocrmPage({
    emulator: amojo.emulator,
    backendUrl: BACKEND_URL,
    account: ACCOUNT,
    user: USER,
    integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: REDIRECT_URI },
    ...(options.widgetDir === undefined ? { widgetZip: zip.zipPath } : {}),
    now: () => new Date(amojo.clock.now),
    newId: () => `00000000-0000-4000-8000-${String(++jti).padStart(12, '0')}`,
    ...options,
  });
  const fetchPage = (path: string, init?: RequestInit) => fetch(`${page.url}${path}`, init);
  const postJson = async (path: string, body: unknown) => {
    const response = await fetchPage(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    return { status: response.status, json: (await response.json()) as any };
  };
  return {
    amojo,
    page,
    zip,
    fetchPage,
    postJson,
    async close() {
      await page.close();
      await amojo.close();
      zip.cleanup();
    },
  };
}

/** The JSON the page embedded for its script. */
export function bootstrapOf(html: string): Record<string, unknown> & { widget: Record<string, unknown> } {
  const match = /<script type="application\/json" id="sandbox-bootstrap">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error('no bootstrap JSON in the page');
  return JSON.parse(match[1]!);
}
