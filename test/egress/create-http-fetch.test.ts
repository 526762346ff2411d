import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../src/egress/create-http-fetch';

describe('createHttpFetch', () => {
  let base = '';
  const seen: { method: string | undefined; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/echo') return void res.writeHead(201, { 'X-Two': ['a', 'b'] }).end('{"ok":true}');
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/moved') return void res.writeHead(302, { Location: '/echo' }).end();
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(5000));
      setTimeout(() => res.writeHead(200).end('late'), 500);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetch = createHttpFetch({ maxResponseBytes: 1000 });

  it('sends method, headers and the exact body bytes, and reads status, headers and text', async () => {
    const body = new TextEncoder().encode('{"é":1}');
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect([res.status, res.ok, await res.text(), res.headers.get('x-two')]).toEqual([
      201,
      true,
      '{"ok":true}',
      'a, b',
    ]);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"é":1}' });
    expect(seen.at(-1)?.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '8' });
  });

  it('answers 204 without a body and does not follow redirects', async () => {
    expect((await fetch(`${base}/empty`, { method: 'POST', body: '' })).status).toBe(204);
    const moved = await fetch(`${base}/moved`, { method: 'POST', body: 'x', redirect: 'manual' });
    expect([moved.status, moved.headers.get('location')]).toEqual([302, '/echo']);
  });

  it('fails on an abort signal, an oversized answer and a non-http URL', async () => {
    await expect(
      fetch(`${base}/slow`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow();
    await expect(fetch(`${base}/big`)).rejects.toThrow('response too large');
    await expect(fetch('ftp://127.0.0.1/x')).rejects.toThrow(TypeError);
  });
});
