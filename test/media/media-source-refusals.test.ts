import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaMirror } from '../../src/media/create-media-mirror';
import { createMediaStore, type MediaStore } from '../../src/media/create-media-store';
import { deriveMediaLinkKey } from '../../src/media/media-link';

const key = deriveMediaLinkKey(Buffer.alloc(32, 3).toString('base64'));

let dir: string;
let store: MediaStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-refusals-'));
  store = createMediaStore(dir, () => 0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Links that no retry can ever fetch: each used to be media_unavailable, retried 15 times while its chat waited.
describe('createMediaMirror: a link that can never be fetched', () => {
  it.each([
    ['an invalid port', 'http://files.example:99999/a.png'],
    ['a doubled port', 'http://files.example:80:80/a.png'],
    ['port 0', 'https://files.example:0/a.png'],
    ['a broken IPv6 literal', 'http://[::1/a.png'],
    ['a NUL in the host', 'http://files\u0000.example/a.png'],
    ['a space in the host', 'http://files example/a.png'],
    ['credentials', 'https://user:password@files.example/a.png'],
    ['a user name', 'https://user@files.example/a.png'],
    ['no host', 'https://:443/a.png'],
  ])('is final at once (%s), without a request', async (_, source) => {
    let requests = 0;
    const mirror = createMediaMirror({
      store,
      fetch: async () => {
        requests += 1;
        throw new TypeError('fetch failed');
      },
      publicUrl: () => 'https://channel.example',
      key,
      maxBytes: 1024,
    });
    await expect(mirror(source, 'seed')).rejects.toMatchObject({
      name: 'MediaMirrorError',
      code: 'media_gone',
      retryable: false,
    });
    expect(requests).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
