import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Hono } from 'hono';
import type { SampleImage } from './render-sample-images';

const pageDir = new URL('./page/', import.meta.url);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's files, read once: plain ES modules and CSS that the browser runs as they are (no build step). */
function loadPageFiles(): Map<string, { type: string; text: string }> {
  const files = new Map<string, { type: string; text: string }>();
  for (const name of readdirSync(pageDir)) {
    const type = contentTypes[extname(name)];
    if (type !== undefined) files.set(name, { type, text: readFileSync(new URL(name, pageDir), 'utf8') });
  }
  return files;
}

export interface MessengerPageDeps {
  /** The sample pictures a client can send, served under `/media/<name>`. */
  readonly samples: readonly SampleImage[];
}

/** `GET /` (the chat page), `/assets/<file>` (its scripts and styles) and `/media/<sample>.png` (sample pictures). */
export function messengerPageRoutes(deps: MessengerPageDeps): Hono {
  const { samples } = deps;
  const files = loadPageFiles();
  const app = new Hono();
  const serve = (name: string) => {
    const file = files.get(name);
    if (file === undefined) return new Response('not found', { status: 404 });
    return new Response(file.text, { headers: { 'Content-Type': file.type, 'Cache-Control': 'no-store' } });
  };
  app.get('/', () => serve('index.html'));
  app.get('/assets/:file', (c) => serve(c.req.param('file')));
  app.get('/media/:name', (c) => {
    const sample = samples.find((s) => s.name === c.req.param('name'));
    if (sample === undefined) return c.text('not found', 404);
    return new Response(new Uint8Array(sample.png), {
      headers: { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400' },
    });
  });
  return app;
}
