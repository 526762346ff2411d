import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../../src/egress/create-egress-lookup';
import { createStreamFetch } from '../../src/egress/create-stream-fetch';
import { egressPolicies, parseEgressSettings } from '../../src/egress/egress-settings';
import { createMediaMirror, type MediaMirrorError } from '../../src/media/create-media-mirror';
import { createMediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';

// amoCRM's attachment host answered by an injected resolver with 127.0.0.1: what a hostile or broken DNS would do.
const resolve: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];

describe('media mirror: downloads under the media egress policy', () => {
  let origin = '';
  let dir = '';
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/away') return void res.writeHead(302, { Location: 'http://localhost:1/x' }).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end('png bytes');
  });
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'media-egress-'));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    await rm(dir, { recursive: true, force: true });
  });

  const mirrorUnder = (allow: string, hosts: string, sandbox: boolean) =>
    createMediaMirror({
      store: createMediaStore(dir),
      fetch: createStreamFetch({ policy: egressPolicies(parseEgressSettings(allow, hosts), sandbox).media, resolve }),
      publicUrl: () => 'https://channel.example',
      key: deriveMediaLinkKey(Buffer.alloc(32, 3).toString('base64')),
      maxBytes: 1024,
    });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: MediaMirrorError) => ({ code: error.code, retryable: error.retryable }),
    );

  it('refuses, finally, files outside the attachment hosts, over http, or at a non-public address', async () => {
    const mirror = mirrorUnder('', '', false);
    const gone = { code: 'media_gone', retryable: false };
    expect(await failureOf(mirror(`${origin}/a.png`, 'seed-1'))).toEqual(gone);
    expect(await failureOf(mirror('https://files.example.com/a.png', 'seed-2'))).toEqual(gone);
    // The right host name, resolving to loopback: refused by the lookup, before TLS.
    expect(await failureOf(mirror('https://amojo.amocrm.ru/attachments/a.png', 'seed-3'))).toEqual(gone);
    expect(hits).toEqual([]);
  });

  it('takes the emulator’s files on 127.0.0.1 in the sandbox, where it is listed explicitly', async () => {
    const mirror = mirrorUnder('127.0.0.0/8', '127.0.0.1', true);
    expect(await mirror(`${origin}/a.png`, 'seed-4')).toMatch(/^https:\/\/channel\.example\/media\//);
    // A redirect hop is checked like the first: localhost is not on the sandbox's host list.
    expect(await failureOf(mirror(`${origin}/away`, 'seed-5'))).toEqual({ code: 'media_gone', retryable: false });
    expect(hits).toEqual(['/a.png', '/away']);
  });
});
