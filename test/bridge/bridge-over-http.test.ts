import { request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetMidBody } from '../server/helpers/reset-mid-body';
import { type BridgeHarness, messageBody, startBridgeHarness } from './helpers/bridge-harness';

// The bridge behind a real node:http server, where bodies are read from the socket rather than a web stream.
let h: BridgeHarness;
let server: Server;
let port: number;
beforeEach(async () => {
  h = await startBridgeHarness({ limits: { bodyBytes: 4096, historyBodyBytes: 8192 } });
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

/** Sends the body in the given pieces, chunked (no Content-Length) when there is more than one. */
function post(path: string, pieces: string[]): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${h.a.apiKey}`,
    };
    if (pieces.length === 1) headers['content-length'] = String(Buffer.byteLength(pieces[0] ?? ''));
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe('bridge over node:http', () => {
  it('accepts concurrent messages, chunked or not, and answers each with its own result', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify(messageBody({ id: `m-${i}` })));
    const answers = await Promise.all([
      ...bodies.map((body, i) =>
        post('/bridge/v1/messages', i % 2 === 0 ? [body] : [body.slice(0, 10), body.slice(10)]),
      ),
      post('/bridge/v1/messages', [bodies[0] ?? '']),
    ]);
    const statuses = answers.map((a) => ('status' in a ? a.status : a.error));
    expect(statuses).toEqual(answers.map(() => 202));
    const duplicates = answers.map((a) => 'body' in a && (JSON.parse(a.body) as { duplicate: boolean }).duplicate);
    // m-0 twice: exactly one of them was new.
    expect(duplicates.filter(Boolean)).toHaveLength(1);
    expect(await h.jobs('amojo.new_message')).toHaveLength(12);
  });

  it('refuses a streamed body over the limit with a 413, without storing anything', async () => {
    const text = JSON.stringify(messageBody({ message: { type: 'text', text: 'y'.repeat(6000) } }));
    const answer = await post('/bridge/v1/messages', [text.slice(0, 3000), text.slice(3000)]);
    expect(answer).toMatchObject({ status: 413 });
    expect('body' in answer && JSON.parse(answer.body).error.code).toBe('payload_too_large');
    expect(await h.jobs()).toHaveLength(0);
  });

  it('answers 413 to a chunked body over the limit whose rest never comes, then closes the connection', async () => {
    const socket = connect(port, '127.0.0.1');
    const received = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => {});
    });
    socket.write(
      `POST /bridge/v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.a.apiKey}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    // 5,000 bytes in one chunk (the limit is 4,096), then the sender stalls as if much more were to come.
    socket.write(`1388\r\n${'x'.repeat(5000)}\r\n`);
    const text = await received;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error.code).toBe('payload_too_large');
    expect(await h.jobs()).toHaveLength(0);
  });

  it('logs a client that resets mid-body at debug, never at error', async () => {
    await resetMidBody(server, 'POST', '/bridge/v1/messages', [`Authorization: Bearer ${h.a.apiKey}`]);
    const entries = () => h.logs.map((line) => JSON.parse(line) as { level: number; msg: string });
    await vi.waitFor(() => expect(entries().map((e) => e.msg)).toContain('client went away mid-request'));
    expect(entries().filter((e) => e.level >= 50)).toEqual([]);
    expect(await h.jobs()).toHaveLength(0);
  });

  it('400 for malformed JSON read from the socket', async () => {
    const answer = await post('/bridge/v1/messages', ['{"id": ']);
    expect(answer).toMatchObject({ status: 400 });
    expect('body' in answer && JSON.parse(answer.body).error.code).toBe('invalid_request');
  });
});
