import { describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { createAmojoClient } from '../../src/amojo/create-amojo-client';
import type { FetchLike } from '../../src/egress/fetch-like';

const CHANNEL = '6c3a1b07-2f55-4d8e-9a41-0c1f2e3d4b5a';
const SCOPE = `${CHANNEL}_0a5b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d`;

/** A client whose fetch records the URLs and the signed paths instead of sending anything. */
function recordingClient() {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(String(url));
    return new Response(null, { status: 204 }) as unknown as Awaited<ReturnType<FetchLike>>;
  };
  const client = createAmojoClient({
    channelId: CHANNEL,
    secret: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    baseUrl: 'https://amojo.example',
    fetch,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return { client, urls };
}

const status = { msgid: 'x', delivery_status: 1 as const };

describe('ids in amojo URL paths', () => {
  it('encodes an id so it stays one segment of the path it was meant for', async () => {
    const { client, urls } = recordingClient();
    await client.deliveryStatus(SCOPE, 'a/b?c#d%', status);
    await client.history(SCOPE, 'chat/../x');
    await client.deliveryStatus(SCOPE, '%2e%2E', status);
    expect(urls).toEqual([
      `https://amojo.example/v2/origin/custom/${SCOPE}/a%2Fb%3Fc%23d%25/delivery_status`,
      `https://amojo.example/v2/origin/custom/${SCOPE}/chats/chat%2F..%2Fx/history?offset=0&limit=50`,
      `https://amojo.example/v2/origin/custom/${SCOPE}/%252e%252E/delivery_status`,
    ]);
    for (const url of urls) expect(new URL(url).href).toBe(url);
  });

  it.each(['..', '.', ''])('refuses %j as a path segment instead of letting it collapse the URL', async (id) => {
    const { client, urls } = recordingClient();
    const refused = await client.deliveryStatus(SCOPE, id, status).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AmojoError);
    expect(refused).toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(client.history(SCOPE, id)).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(client.typing(id, { conversation_id: 'c', sender: { id: 's' } })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(urls).toEqual([]);
  });
});
