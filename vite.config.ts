import { readFileSync } from 'node:fs';
import { minifySync } from 'rolldown/utils';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// --- widget build: `vite build` emits dist/widget/script.js, the AMD module of widget.zip ---------------------------
/** The sandbox backend; production builds set WIDGET_BACKEND_URL to the public https origin. */
export const defaultBackendUrl = 'http://127.0.0.1:8080';

/** Validates the build-time backend origin, so a typo fails the build instead of every request in the field. */
export function resolveBackendUrl(raw: string | undefined): string {
  const value = raw === undefined || raw.trim() === '' ? defaultBackendUrl : raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`WIDGET_BACKEND_URL must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`WIDGET_BACKEND_URL must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new Error('WIDGET_BACKEND_URL must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Turns the iife bundle into the AMD module amoCRM loads: `define(["jquery"], function ($) { ...; return Widget; })`.
 * Vite 8 (rolldown) cannot emit `amd` itself; the iife's global variable becomes a local of the factory.
 */
export function wrapInDefine(code: string, globalName: string): string {
  if (!new RegExp(`^var ${globalName} = `, 'm').test(code)) {
    throw new Error(`expected the iife bundle to declare "var ${globalName}"`);
  }
  return `define(["jquery"], function ($) {\n${code.trimEnd()}\nreturn ${globalName};\n});\n`;
}

/** rolldown opens each module of an unminified bundle with a `// <path>` line; vendor modules live in node_modules. */
const moduleMarker = /^\t?\/\/ ((?:node_modules|widget|src)\/\S+)$/;

/**
 * Minifies only the vendor modules of the bundle (whitespace, comments, local names), leaving first-party code as
 * written. Each module segment of a scope-hoisted bundle is a complete statement list, and its top-level names are
 * kept, so the segments still link up. A segment that does not parse fails the build.
 */
export function minifyVendorSegments(code: string): string {
  const out: string[] = [];
  let segment: string[] = [];
  let marker = '';
  let vendor = false;
  const flush = () => {
    const text = segment.join('\n');
    if (vendor) {
      // the marker line stays, so the archive check can still tell vendor code from first-party code
      out.push(marker);
      const result = minifySync('vendor.js', text, {
        compress: false,
        mangle: { toplevel: false },
        codegen: { removeWhitespace: true },
      });
      if (result.errors.length > 0) throw new Error(`cannot minify a vendor segment: ${result.errors[0]?.message}`);
      out.push(result.code);
    } else if (text !== '') {
      out.push(text);
    }
    segment = [];
  };
  for (const line of code.split('\n')) {
    const found = moduleMarker.exec(line);
    if (found !== null) {
      flush();
      marker = line;
      vendor = found[1]?.startsWith('node_modules/') ?? false;
    }
    segment.push(line);
  }
  flush();
  return out.join('\n');
}

/** manifest.json's `widget.support.email`: the one place the address is set, shown under the panel's errors too. */
export function readSupportEmail(path = 'manifest.json'): string {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { widget?: { support?: { email?: unknown } } };
  const email = manifest.widget?.support?.email;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new Error(`${path}: widget.support.email must be an email address`);
  }
  return email;
}

export interface WidgetBuildPluginOptions {
  /** The iife's global name (build.lib.name). */
  readonly globalName: string;
  /** The emitted file to wrap. */
  readonly fileName: string;
}

/** Build-only: injects the backend origin and wraps the bundle in `define`. Does nothing under vitest. */
export function widgetBuildPlugin({ globalName, fileName }: WidgetBuildPluginOptions): Plugin {
  return {
    name: 'channel-link-widget-amd',
    apply: 'build',
    config() {
      const backendUrl = resolveBackendUrl(process.env.WIDGET_BACKEND_URL);
      return {
        define: {
          __WIDGET_BACKEND_URL__: JSON.stringify(backendUrl),
          __WIDGET_SUPPORT_EMAIL__: JSON.stringify(readSupportEmail()),
        },
        // production JSX even when NODE_ENV says otherwise (vitest sets "test"): dev JSX leaks file paths and size
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
      };
    },
    generateBundle(_options, bundle) {
      const chunk = bundle[fileName];
      if (chunk?.type !== 'chunk') throw new Error(`the widget build did not emit ${fileName}`);
      chunk.code = wrapInDefine(minifyVendorSegments(chunk.code), globalName);
    },
  };
}

// -------------------------------------------------------------------------------------------------------------------

const widgetGlobal = 'ChannelLinkWidget';

// One config for the widget build and both test projects:
// server code never loads jsdom, widget code never sees Node globals.
export default defineConfig({
  // `vite build` emits dist/widget/script.js, the AMD module of widget.zip (scripts/pack-widget.ts zips it).
  // WIDGET_BACKEND_URL sets the backend origin at build time (default: the sandbox, http://127.0.0.1:8080).
  plugins: [widgetBuildPlugin({ globalName: widgetGlobal, fileName: 'script.js' })],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    copyPublicDir: false,
    target: 'es2020',
    // moderators audit first-party code, so it ships readable; minifyVendorSegments minifies node_modules code only
    minify: false,
    lib: {
      entry: 'widget/index.ts',
      formats: ['iife'],
      name: widgetGlobal,
      fileName: () => 'script.js',
    },
    rolldownOptions: {
      external: ['jquery'],
      output: { globals: { jquery: '$' }, comments: { legal: true, annotation: false, jsdoc: false } },
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/widget/**', 'test/e2e/**'],
        },
      },
      {
        test: {
          name: 'widget',
          environment: 'jsdom',
          include: ['test/widget/**/*.test.{ts,tsx}'],
        },
      },
      {
        // Real Chromium against the whole sandbox; one file at a time, since each starts every server.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
