import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AmoWidget } from '../../../widget/host/amo-types';
import { repoRoot } from './built-widget';
import type { JQueryLike } from './fake-amo-page';
import { JSDOM, type JsdomInstance } from './untyped-packages';

export type WidgetConstructor = (this: AmoWidget) => AmoWidget;

export interface AmdPage {
  readonly dom: JsdomInstance;
  readonly window: Window & typeof globalThis;
  readonly $: JQueryLike;
  readonly Widget: WidgetConstructor;
}

function loadScript(window: Window, src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = window.document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    window.document.head.appendChild(script);
  });
}

/**
 * A fresh page that loads the built script.js the way amoCRM does: RequireJS (the npm package's browser build)
 * fetches it from the widget folder, with `jquery` provided as an AMD module. Nothing of the widget is imported
 * into the test process; the page only knows what the archive contains.
 */
export async function loadAmdWidget(widgetDir: string, beforeLoad?: (window: Window & typeof globalThis) => void) {
  const dom = new JSDOM('<!doctype html><html lang="en"><head></head><body></body></html>', {
    url: pathToFileURL(join(widgetDir, 'index.html')).href,
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
  });
  const window = dom.window as Window & typeof globalThis & { requirejs: RequireJs };
  beforeLoad?.(window);
  await loadScript(window, pathToFileURL(join(repoRoot, 'node_modules/requirejs/require.js')).href);
  window.requirejs.config({
    baseUrl: `${pathToFileURL(widgetDir).href}/`,
    paths: { jquery: pathToFileURL(join(repoRoot, 'node_modules/jquery/dist/jquery')).href },
  });
  const [$, Widget] = await new Promise<[JQueryLike, WidgetConstructor]>((resolve, reject) => {
    window.requirejs(
      ['jquery', 'script'],
      (...modules: unknown[]) => resolve(modules as [JQueryLike, WidgetConstructor]),
      reject,
    );
  });
  return { dom, window, $, Widget } satisfies AmdPage;
}

interface RequireJs {
  (deps: string[], onLoad: (...modules: unknown[]) => void, onError: (error: unknown) => void): void;
  config(config: { baseUrl: string; paths: Record<string, string> }): void;
}
