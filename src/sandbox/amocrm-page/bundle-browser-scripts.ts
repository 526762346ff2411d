import { join } from 'node:path';
import { build } from 'vite';

/** The browser entry points, by the name they are served under (`/_sandbox/assets/<name>.js`). */
const entries = {
  'crm-page': join(import.meta.dirname, 'browser', 'crm-page.ts'),
  inbox: join(import.meta.dirname, 'browser', 'inbox.ts'),
};

let bundled: Promise<ReadonlyMap<string, string>> | null = null;

/**
 * The page scripts are TypeScript (type-checked with the rest of src/), so they are bundled once per process on
 * first use: one readable classic script per page (an iife, so that jsdom runs it too), no source maps. A failed
 * build is not cached.
 */
export function bundleBrowserScripts(): Promise<ReadonlyMap<string, string>> {
  bundled ??= Promise.all(Object.entries(entries).map(([name, entry]) => bundleOne(name, entry)))
    .then((files) => new Map(files))
    .catch((error: unknown) => {
      bundled = null;
      throw error;
    });
  return bundled;
}

async function bundleOne(name: string, entry: string): Promise<[string, string]> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: import.meta.dirname,
    publicDir: false,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      copyPublicDir: false,
      reportCompressedSize: false,
      rolldownOptions: { input: entry, output: { format: 'iife', entryFileNames: `${name}.js` } },
    },
  });
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((item) => item.type === 'chunk' && item.fileName === `${name}.js`);
    if (chunk?.type === 'chunk') return [`${name}.js`, chunk.code];
  }
  throw new Error(`the browser-script build did not emit ${name}.js`);
}
