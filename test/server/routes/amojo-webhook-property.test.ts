import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookHarness } from './amojo-webhook-harness';

type Harness = Awaited<ReturnType<typeof startWebhookHarness>>;

const FIXTURES = [
  'hook-message-v2-text-with-source',
  'hook-message-v2-picture',
  'hook-message-v2-list-message',
  'hook-comment-reply',
  'hook-typing',
  'hook-reaction',
  'hook-v1',
];
const ALLOWED = new Set([200, 400, 401, 403, 404, 413]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'null' };

function mutate(root: Json, path: (string | number)[], mutation: Mutation): unknown {
  if (path.length === 0) return mutation.kind === 'replace' ? mutation.value : null;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (mutation.kind === 'delete') delete parent[last];
  else parent[last] = mutation.kind === 'null' ? null : mutation.value;
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: fc.anything({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('replace' as const), value: fc.oneof(fc.string(), fc.integer(), fc.double()) }),
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'null' as const }),
);

describe('amojo webhook ingress under random input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers signed random JSON with a 4xx or 200, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const res = await h.post(JSON.stringify(value));
        expect(ALLOWED).toContain(res.status);
        if (res.status !== 200) expect(await res.json()).toHaveProperty('error.code');
      }),
      { numRuns: 150 },
    );
  });

  it('answers signed random bytes with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const res = await h.post(bytes);
        expect(res.status).toBe(400);
      }),
      { numRuns: 150 },
    );
  });

  it('answers every mutation of the documented hooks with a 4xx or 200, never a 5xx', async () => {
    const bodies = FIXTURES.map((name) => JSON.parse(h.hook(name)) as Json);
    const target = fc
      .constantFrom(...bodies)
      .chain((body) => fc.tuple(fc.constant(body), fc.constantFrom(...paths(body)), mutation));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(target, async ([body, path, change]) => {
        const res = await h.post(JSON.stringify(mutate(body, path, change)) ?? 'undefined');
        expect(ALLOWED).toContain(res.status);
        if (res.status === 200) accepted += 1;
      }),
      { numRuns: 400 },
    );
    // Many mutations touch fields the hook may lack, so some must still be accepted (the property is not vacuous).
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses unsigned random bodies with 401 before looking at them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.stringMatching(/^[0-9a-f]{40}$/), async (text, sig) => {
        const res = await h.post(text, { signature: sig });
        expect(res.status).toBe(401);
      }),
      { numRuns: 100 },
    );
  });
});
