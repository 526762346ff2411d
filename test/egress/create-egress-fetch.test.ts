import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEgressFetch } from '../../src/egress/create-egress-fetch';
import type { Resolve } from '../../src/egress/create-egress-lookup';
import { createStreamFetch } from '../../src/egress/create-stream-fetch';
import type { EgressPolicy } from '../../src/egress/egress-policy';
import { EgressRefusedError } from '../../src/egress/egress-refused-error';
import { egressPolicies, parseEgressSettings } from '../../src/egress/egress-settings';

// Names are answered by an injected resolver, never by DNS or /etc/hosts; every socket goes to 127.0.0.1.
const names = new Map<string, string[]>();
const lookups: string[] = [];
const resolve: Resolve = async (hostname) => {
  lookups.push(hostname);
  const addresses = names.get(hostname);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const policyWith = (allow: string, hosts?: string[]): EgressPolicy => ({
  ...egressPolicies(parseEgressSettings(allow), true).webhooks,
  ...(hosts ? { hosts } : {}),
});

describe('the egress guard over node:http', () => {
  let port = 0;
  const seen: { url: string | undefined; method: string | undefined; headers: IncomingMessage['headers'] }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    sockets.add(req.socket);
    seen.push({ url: req.url, method: req.method, headers: req.headers });
    req.resume();
    const at = (host: string, path: string) => `http://${host}:${port}${path}`;
    const redirects: Record<string, [number, string]> = {
      '/to-internal': [302, at('internal.test', '/secret')],
      '/to-metadata': [302, 'http://169.254.169.254/latest/meta-data/'],
      '/chain-1': [301, '/chain-2'],
      '/chain-2': [307, at('also.test', '/chain-3')],
      '/chain-3': [302, at('internal.test', '/secret')],
      '/see-other': [303, at('also.test', '/landing')],
      '/loop': [302, '/loop'],
      '/to-other-host': [302, at('elsewhere.test', '/file')],
    };
    const redirect = req.url ? redirects[req.url] : undefined;
    if (redirect) return void res.writeHead(redirect[0], { Location: redirect[1] }).end();
    if (req.url === '/close') return void res.writeHead(200, { Connection: 'close' }).end('bye');
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello from ${req.url}`);
  });
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });
  beforeEach(() => {
    names.clear();
    names.set('messenger.test', ['127.0.0.1']);
    names.set('also.test', ['127.0.0.1']);
    names.set('internal.test', ['10.0.0.5', '127.0.0.2']);
    seen.length = 0;
    lookups.length = 0;
    sockets.clear();
  });
  const url = (host: string, path = '/hook') => `http://${host}:${port}${path}`;

  it('refuses a name that resolves to 127.0.0.1 at connect time, before any byte is sent', async () => {
    const fetch = createEgressFetch(policyWith(''), { resolve });
    const error = await fetch(url('messenger.test'), { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressRefusedError);
    expect((error as Error).message).toBe(
      'refused by the egress policy: the host does not resolve to an allowed address',
    );
    expect(lookups).toEqual(['messenger.test']);
    expect(seen).toEqual([]);
  });

  it('refuses IP literals without resolving them, in every spelling the URL parser accepts', async () => {
    const fetch = createEgressFetch(policyWith(''), { resolve });
    for (const host of ['127.0.0.1', '0x7f.1', '2130706433', '[::ffff:127.0.0.1]', '[::1]', 'localhost']) {
      await expect(fetch(url(host))).rejects.toThrow('the address is not public');
    }
    expect([lookups, seen]).toEqual([[], []]);
  });

  it('connects once EGRESS_ALLOW opens the range, and only to the allowed addresses of a mixed answer', async () => {
    names.set('messenger.test', ['10.0.0.5', '127.0.0.1']);
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    const res = await fetch(url('messenger.test'), { method: 'POST', body: '{}' });
    expect([res.status, await res.text()]).toEqual([200, 'hello from /hook']);
    const other = createEgressFetch(policyWith('127.0.0.2/32'), { resolve });
    await expect(other(url('messenger.test'))).rejects.toThrow(EgressRefusedError);
  });

  it('checks the name again on each new connection, so a rebinding answer gains nothing', async () => {
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    expect((await fetch(url('messenger.test', '/close'))).status).toBe(200);
    names.set('messenger.test', ['127.0.0.2']);
    await expect(fetch(url('messenger.test', '/close'))).rejects.toThrow(EgressRefusedError);
    expect(lookups).toEqual(['messenger.test', 'messenger.test']);
    expect(seen).toHaveLength(1);
  });

  it('keeps connections alive: sequential requests share one socket and one lookup', async () => {
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    for (let i = 0; i < 5; i += 1) expect((await fetch(url('messenger.test'), { method: 'POST', body: `${i}` })).ok);
    expect([sockets.size, lookups.length, seen.length]).toEqual([1, 1, 5]);
  });

  it('hands back a 3xx unless asked to follow, as deliveries and test events ask', async () => {
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    const res = await fetch(url('messenger.test', '/to-internal'), { method: 'POST', body: '{}', redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, url('internal.test', '/secret')]);
    await expect(fetch(url('messenger.test', '/to-internal'), { redirect: 'error' })).rejects.toThrow(TypeError);
    expect(lookups).toEqual(['messenger.test']);
  });

  it('checks every redirect hop: a chain that ends at a private address is refused there', async () => {
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    await expect(fetch(url('messenger.test', '/to-internal'), { redirect: 'follow' })).rejects.toThrow(
      EgressRefusedError,
    );
    await expect(fetch(url('messenger.test', '/to-metadata'), { redirect: 'follow' })).rejects.toThrow(
      'the address is not public',
    );
    await expect(fetch(url('messenger.test', '/chain-1'), { redirect: 'follow' })).rejects.toThrow(EgressRefusedError);
    expect(seen.map((s) => s.url)).toEqual(['/to-internal', '/to-metadata', '/chain-1', '/chain-2', '/chain-3']);
    expect(lookups.filter((name) => name === 'internal.test')).toHaveLength(2);
  });

  it('follows at most three hops, turns a 303 into a GET and drops credentials on another origin', async () => {
    const fetch = createEgressFetch(policyWith('127.0.0.1/32'), { resolve });
    await expect(fetch(url('messenger.test', '/loop'), { redirect: 'follow' })).rejects.toThrow('too many redirects');
    expect(seen).toHaveLength(4);
    seen.length = 0;
    const res = await fetch(url('messenger.test', '/see-other'), {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer x', 'X-Channel-Signature': 's' },
      redirect: 'follow',
    });
    expect([res.status, await res.text()]).toEqual([200, 'hello from /landing']);
    expect(seen.map((s) => s.method)).toEqual(['POST', 'GET']);
    expect(seen[1]?.headers).not.toHaveProperty('authorization');
    expect(seen[1]?.headers).not.toHaveProperty('x-channel-signature');
    expect(seen[1]?.headers).not.toHaveProperty('content-type');
  });

  it('streams files under a host list, and refuses a redirect to a host outside it', async () => {
    names.set('elsewhere.test', ['127.0.0.1']);
    const fetch = createStreamFetch({ policy: policyWith('127.0.0.1/32', ['messenger.test']), resolve });
    const res = await fetch(url('messenger.test', '/file'), { redirect: 'follow' });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body ?? []) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('hello from /file');
    await expect(fetch(url('messenger.test', '/to-other-host'), { redirect: 'follow' })).rejects.toThrow(
      'the host is not allowed',
    );
    await expect(fetch(url('also.test', '/file'))).rejects.toThrow('the host is not allowed');
  });

  it('applies the lookup to https too: the name is refused before TLS starts', async () => {
    const fetch = createEgressFetch({ protocols: ['https:'], allow: [] }, { resolve });
    await expect(fetch(`https://internal.test:${port}/hook`)).rejects.toThrow(EgressRefusedError);
    // An allowed answer is connected to (the plain-http server then fails the TLS handshake: not a refusal).
    const allowed = createEgressFetch(
      { protocols: ['https:'], allow: parseEgressSettings('127.0.0.1').allow },
      {
        resolve,
      },
    );
    const error = await allowed(`https://messenger.test:${port}/hook`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(EgressRefusedError);
  });
});
