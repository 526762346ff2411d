type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One HTTP request as the fuzzer sends it. `raw` requests go over a bare socket exactly as written. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  raw?: Buffer;
}

/** The mutation families; each run goes round them in turn, so even a short run covers every one. */
export const MUTATION_FAMILIES = [
  'valid',
  'value',
  'delete-key',
  'add-key',
  'type-swap',
  'duplicate-key',
  'structure',
  'bytes',
  'headers',
  'path',
  'query',
  'framing',
] as const;
export type MutationFamily = (typeof MUTATION_FAMILIES)[number];

/** A seeded PRNG (mulberry32): the same seed gives the same run, so a failure names the seed that repeats it. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
  };
}
export type Random = ReturnType<typeof createRandom>;

/** Values that break parsers, stores and URL builders: limits, odd Unicode, path tricks. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'm\ud800',
  '\udfff\ud800',
  '😍',
  '\u202eevil',
  'e\u0301\u0301\u0301',
  '..',
  '.',
  '../..',
  '%2e%2e',
  'a/b',
  'a%2Fb',
  'a:b',
  'a?b#c',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  "'; drop table outbox; --",
  'x'.repeat(81),
  'y'.repeat(256),
  'z'.repeat(5000),
  'Я'.repeat(2000),
  'http://[::1/',
  'http://127.0.0.1:99999/x',
  'http://user:pw@127.0.0.1/x',
  'https://10-0-0-5.nip.io/x',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '1e308',
  '-0',
  'true',
  'null',
];
const NASTY_NUMBERS = [
  0,
  -1,
  1,
  -0,
  0.5,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  4102444800,
  253402300800,
  1e21,
];

function nastyValue(r: Random): Json {
  switch (r.int(6)) {
    case 0:
    case 1:
      return r.pick(NASTY_STRINGS);
    case 2:
      return r.pick(NASTY_NUMBERS);
    case 3:
      return r.pick([true, false, null] as Json[]);
    case 4:
      return r.pick([[], {}, [null], { '': '' }, [r.pick(NASTY_STRINGS)], { __proto__: 1 } as Json] as Json[]);
    default:
      return randomString(r, 1 + r.int(40));
  }
}

/** Random code units, lone surrogates and NUL included. */
function randomString(r: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const kind = r.int(5);
    const code =
      kind === 0 ? 0x20 + r.int(0x5f) : kind === 1 ? r.int(0x20) : kind === 2 ? 0xd800 + r.int(0x800) : r.int(0xffff);
    text += String.fromCharCode(code);
  }
  return text;
}

/** Every path to a value inside a JSON document (the root included). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function edit(
  root: Json,
  path: (string | number)[],
  change: (parent: Record<string | number, Json>, key: string | number) => void,
) {
  const copy = structuredClone(root);
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  change(parent, path[path.length - 1] as string | number);
  return copy;
}

function swapType(value: Json, r: Random): Json {
  if (typeof value === 'string') return r.chance(0.5) ? Number(value) || 0 : [value];
  if (typeof value === 'number') return r.chance(0.5) ? String(value) : { value };
  if (typeof value === 'boolean') return r.chance(0.5) ? String(value) : Number(value);
  if (value === null) return r.chance(0.5) ? 'null' : 0;
  if (Array.isArray(value)) return r.chance(0.5) ? (value[0] ?? null) : { ...value };
  return r.chance(0.5) ? Object.values(value) : JSON.stringify(value);
}

/** A JSON-level mutation of a valid body: the text to send (duplicate keys only exist as text). */
export function mutateJson(body: Json, family: MutationFamily, r: Random): string {
  const all = paths(body);
  const inner = all.filter((p) => p.length > 0);
  const target = r.pick(inner.length > 0 ? inner : all);
  switch (family) {
    case 'value':
      return JSON.stringify(
        edit(body, target, (parent, key) => {
          parent[key] = nastyValue(r);
        }),
      );
    case 'delete-key':
      return JSON.stringify(
        edit(body, target, (parent, key) => {
          if (Array.isArray(parent)) parent.splice(Number(key), 1);
          else delete parent[key];
        }),
      );
    case 'add-key': {
      const objects = all.filter((p) => {
        let v: Json = body;
        for (const k of p) v = (v as Record<string | number, Json>)[k] as Json;
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const at = r.pick(objects.length > 0 ? objects : [[]]);
      const name = r.pick(['__proto__', 'constructor', 'extra', '', 'id', 'x'.repeat(300), '\ud800']);
      const added = structuredClone(body) as Record<string, Json>;
      let parent: Record<string, Json> = added;
      for (const k of at) parent = parent[k] as Record<string, Json>;
      Object.defineProperty(parent, name, {
        value: nastyValue(r),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return JSON.stringify(added);
    }
    case 'type-swap':
      return JSON.stringify(
        edit(body, target, (parent, key) => {
          parent[key] = swapType(parent[key] as Json, r);
        }),
      );
    case 'duplicate-key': {
      // The first copy of a key is what a careless parser keeps; JSON.parse keeps the last.
      const text = JSON.stringify(body);
      const keys = [...text.matchAll(/"([^"\\]+)":/g)];
      const hit = keys.length > 0 ? r.pick(keys) : undefined;
      if (!hit || hit.index === undefined) return `{"a":1,"a":2}`;
      const value = JSON.stringify(nastyValue(r));
      return `${text.slice(0, hit.index)}"${hit[1]}":${value},${text.slice(hit.index)}`;
    }
    case 'structure': {
      const text = JSON.stringify(body);
      return r.pick([
        `[${text}]`,
        `{"data":${text}}`,
        '[]',
        '{}',
        'null',
        '0',
        '"text"',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
        `${text} ${text}`,
        `${text},`,
        text.slice(0, Math.max(1, r.int(text.length))),
        `\ufeff${text}`,
        JSON.stringify({ ...(body as object), filler: 'f'.repeat(300 * 1024) }),
      ]);
    }
    default:
      return JSON.stringify(body);
  }
}

/** A byte-level mutation of the encoded body: flips, cuts, inserts and malformed UTF-8. */
export function mutateBytes(body: Buffer, r: Random): Buffer {
  const bytes = Buffer.from(body);
  const at = r.int(Math.max(1, bytes.length));
  switch (r.int(7)) {
    case 0:
      if (bytes.length > 0) bytes[at] = r.int(256);
      return bytes;
    case 1:
      return bytes.subarray(0, at);
    case 2:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from(r.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x00], [0xe2, 0x82]])),
        bytes.subarray(at),
      ]);
    case 3:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 4:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + r.int(8))]);
    case 5: {
      // A string value's inside replaced with raw invalid UTF-8, so the JSON stays well-formed around it.
      const text = bytes.toString('latin1');
      const quote = text.indexOf('":"');
      if (quote < 0) return bytes;
      return Buffer.concat([
        bytes.subarray(0, quote + 3),
        Buffer.from([0xed, 0xa0, 0x80, 0xff]),
        bytes.subarray(quote + 3),
      ]);
    }
    default:
      return Buffer.from(Array.from({ length: r.int(600) }, () => r.int(256)));
  }
}

/** A header change: content type, auth or signature gone, garbled or doubled; odd encodings. */
export function mutateHeaders(headers: Record<string, string>, r: Random): Record<string, string> {
  const out = { ...headers };
  const names = Object.keys(out);
  switch (r.int(7)) {
    case 0:
      out['content-type'] = r.pick([
        'text/plain',
        'application/json; charset=latin1',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonx',
        'APPLICATION/JSON',
        '',
        'application/json, text/plain',
      ]);
      return out;
    case 1:
      if (names.length > 0) delete out[r.pick(names)];
      return out;
    case 2: {
      const name = r.pick(names.length > 0 ? names : ['x-extra']);
      const value = out[name] ?? '';
      out[name] = r.pick([
        value.toUpperCase(),
        value.slice(0, -1),
        `${value} `,
        ` ${value}`,
        `${value},${value}`,
        value.replace(/^Bearer /, 'bearer '),
        value.replace(/^Bearer /, 'Basic '),
        'Bearer',
        'Bearer ',
        'x'.repeat(8000),
        '\u00ff\u00fe',
      ]);
      return out;
    }
    case 3:
      out['content-encoding'] = r.pick(['gzip', 'br', 'identity', 'x-unknown']);
      return out;
    case 4:
      out['transfer-encoding'] = 'chunked';
      return out;
    case 5:
      out.accept = r.pick(['text/html', '*/*', 'application/json']);
      return out;
    default:
      out[r.pick(['x-signature', 'authorization', 'x-auth-token', 'origin', 'cookie'])] = randomString(r, 20).replace(
        /[^\x20-\x7e]/g,
        'a',
      );
      return out;
  }
}

/** A change to the path's segments: dot segments, encoded slashes, doubled slashes, odd bytes, long ids. */
export function mutatePath(path: string, r: Random): string {
  const segments = path.split('/');
  const i = 1 + r.int(Math.max(1, segments.length - 1));
  const replacement = r.pick([
    '..',
    '.',
    '%2e%2e',
    '%2E',
    'a%2Fb',
    '%2F',
    '',
    '%00',
    '%ff',
    '%',
    '%zz',
    '%E2%80%AE',
    'x'.repeat(3000),
    `${segments[i] ?? ''}%20`,
    `${segments[i] ?? ''}/`,
    `${segments[i] ?? ''}/..`,
    (segments[i] ?? '').toUpperCase(),
    `${segments[i] ?? ''};x=1`,
  ]);
  const changed = [...segments];
  changed[i] = replacement;
  return changed.join('/');
}

/** Query parameters added or changed: duplicates, encodings, huge values. */
export function mutateQuery(path: string, r: Random): string {
  const [base, query = ''] = path.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  switch (r.int(5)) {
    case 0:
      if (keys.length > 0) params.delete(r.pick(keys));
      break;
    case 1:
      params.append(r.pick(keys.length > 0 ? keys : ['a']), r.pick(NASTY_STRINGS));
      break;
    case 2:
      if (keys.length > 0) params.set(r.pick(keys), r.pick(NASTY_STRINGS));
      break;
    case 3:
      return `${base}?${query}&${r.pick(['%', '%zz', '=', '&&', '%00=%00', 'a[b]=c', `x=${'q'.repeat(20_000)}`])}`;
    default:
      params.set(
        r.pick(['state', 'code', 'referer', 'from_widget', 'error', 'account_id', 'signature', 'client_uuid']),
        r.pick(NASTY_STRINGS),
      );
  }
  const text = params.toString();
  return text === '' ? base : `${base}?${text}`;
}

/**
 * The request written out by hand with broken framing: lengths that disagree with the body, both length and
 * chunked, a bad chunk, a header without a colon. Node's parser answers these (400) or waits for bytes that never
 * come, so the writer half-closes after sending.
 */
export function brokenFraming(request: FuzzRequest, host: string, r: Random): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const head = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
  switch (r.int(6)) {
    case 0:
      head.push(`Content-Length: ${body.length + 1 + r.int(50)}`);
      break;
    case 1:
      head.push(`Content-Length: ${Math.max(0, body.length - 1 - r.int(10))}`);
      break;
    case 2:
      head.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      break;
    case 3:
      head.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 5}`);
      break;
    case 4:
      head.push('Transfer-Encoding: chunked');
      return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\nzz\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    default:
      head.push('Broken header line', `Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]);
}
