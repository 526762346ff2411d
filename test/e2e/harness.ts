import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createLogger } from '../../src/observability/create-logger';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-results', 'e2e');

export interface E2E {
  sandbox: Sandbox;
  browser: Browser;
  page(url: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface E2EOptions {
  /**
   * Whether the sandbox links its two demo numbers itself once the widget is installed, as `npm start` does (the
   * README's story). Off by default: the newcomer story links the first number by hand.
   */
  seedNumbers?: boolean;
}

/** The whole sandbox on free ports with a fresh data folder, and a headless Chromium to drive it. */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-sandbox-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = await startSandbox({
    env: { PORT: '0' },
    logger: createLogger({ level: 'warn' }),
    dataDir,
    announce: false,
    seedNumbers: options.seedNumbers ?? false,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const pages: Page[] = [];
  return {
    sandbox,
    browser,
    async page(url) {
      // the clipboard as a person has it: the widget's "Copy both" writes it, the messenger's box takes the paste
      const context = await browser.newContext({
        viewport: { width: 1280, height: 860 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      // on the context, so a page a link opens in a new tab gets it too
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      pages.push(page);
      await page.goto(url);
      return page;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
