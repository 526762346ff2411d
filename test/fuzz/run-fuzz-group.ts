import {
  brokenFraming,
  createRandom,
  type FuzzRequest,
  MUTATION_FAMILIES,
  type MutationFamily,
  mutateBytes,
  mutateHeaders,
  mutateJson,
  mutatePath,
  mutateQuery,
} from './create-mutator';
import type { FuzzGroup } from './fuzz-groups';
import { type FuzzAnswer, sendFuzzRequest } from './send-fuzz-request';

export interface FuzzOptions {
  runs: number;
  seed: number;
  concurrency?: number;
  /** Requests per second at most (the bridge's per-key limit would otherwise answer most of them 429). */
  maxPerSecond?: number;
  /** Share of body mutations signed again so they reach past the signature check (default 0.7). */
  resignShare?: number;
}

export interface FuzzFailure {
  family: MutationFamily;
  request: string;
  answer: string;
  why: string;
}

export interface FuzzStats {
  group: string;
  requests: number;
  ms: number;
  byStatus: Record<string, number>;
  byFamily: Record<string, number>;
  failures: FuzzFailure[];
}

const JSON_FAMILIES = new Set<MutationFamily>([
  'value',
  'delete-key',
  'add-key',
  'type-swap',
  'duplicate-key',
  'structure',
]);

/**
 * Sends `runs` requests of one group: every `MUTATION_FAMILIES.length`-th is the valid request itself (the
 * interleaved valid traffic), the rest mutate a fresh valid request, family by family in turn. Each answer must be
 * an answer (never a dropped connection), never a 5xx, and every error a JSON body with a code. What the backend
 * accepted goes to the group's `record` for the follow-through check.
 */
export async function runFuzzGroup(port: number, group: FuzzGroup, options: FuzzOptions): Promise<FuzzStats> {
  const r = createRandom(options.seed);
  const stats: FuzzStats = { group: group.name, requests: 0, ms: 0, byStatus: {}, byFamily: {}, failures: [] };
  const started = Date.now();
  const resignShare = options.resignShare ?? 0.7;
  let next = 0;

  async function one(i: number): Promise<void> {
    const family = MUTATION_FAMILIES[i % MUTATION_FAMILIES.length] as MutationFamily;
    const base = await group.valid(i, r);
    const request = mutate(base.request, family);
    const mutatedBody = JSON_FAMILIES.has(family) || (family === 'bytes' && base.request.body !== undefined);
    const signed =
      base.resign && family !== 'valid' && (mutatedBody || family === 'query') && r.chance(resignShare)
        ? base.resign(request)
        : request;
    const final = family === 'framing' ? { ...signed, raw: brokenFraming(signed, `127.0.0.1:${port}`, r) } : signed;
    const answer = await sendFuzzRequest(port, final);
    stats.requests += 1;
    stats.byFamily[family] = (stats.byFamily[family] ?? 0) + 1;
    const label = answer.kind === 'answer' ? String(answer.status) : answer.kind;
    stats.byStatus[label] = (stats.byStatus[label] ?? 0) + 1;
    const why = verdict(final, family, answer);
    if (why !== null) {
      stats.failures.push({ family, why, request: describe(final), answer: describeAnswer(answer) });
    }
    group.record(final, answer, family !== 'valid');
  }

  function mutate(req: FuzzRequest, family: MutationFamily): FuzzRequest {
    if (family === 'valid' || family === 'framing') return req;
    if (JSON_FAMILIES.has(family)) {
      if (req.body === undefined) return { ...req, path: mutateQuery(req.path, r) };
      return { ...req, body: Buffer.from(mutateJson(JSON.parse(req.body.toString('utf8')), family, r)) };
    }
    if (family === 'bytes') {
      if (req.body !== undefined) return { ...req, body: mutateBytes(req.body, r) };
      return {
        ...req,
        path:
          mutateBytes(Buffer.from(req.path), r)
            .toString('latin1')
            .replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)) || '/',
      };
    }
    if (family === 'headers') return { ...req, headers: mutateHeaders(req.headers, r) };
    if (family === 'path') return { ...req, path: mutatePath(req.path, r) };
    return { ...req, path: mutateQuery(req.path, r) };
  }

  const perRequestMs = options.maxPerSecond ? 1000 / options.maxPerSecond : 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.runs) return;
      if (perRequestMs > 0) {
        const due = started + i * perRequestMs;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      await one(i);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  stats.ms = Date.now() - started;
  return stats;
}

/** Why the answer breaks the rules, or null when it keeps them. */
function verdict(req: FuzzRequest, family: MutationFamily, answer: FuzzAnswer): string | null {
  if (answer.kind === 'unsendable') return null;
  if (answer.kind === 'no-answer') {
    // A raw request that promised more bytes than it sent is cut off by the client's half-close: nothing to answer.
    return family === 'framing' ? null : `no answer: ${answer.message}`;
  }
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status < 400) return null;
  // Node's own parser refuses broken framing before any route runs, with its bare 400.
  if (family === 'framing' && !answer.contentType.includes('json')) return null;
  if (req.method === 'HEAD') return null;
  // So does it for a request line or head it will not take (bad bytes in the path, 431 for a 20 KB query): no route
  // ran, and the answer is node's bare status line with an empty body.
  if (answer.text === '' && answer.contentType === '' && [400, 414, 431].includes(answer.status)) return null;
  const path = req.path.split('?')[0] ?? '';
  // The OAuth redirect answers a browser with the grant page and anything else with its outcome, never an error body.
  if (path.startsWith('/amocrm/oauth')) {
    if (answer.contentType.includes('text/html')) return null;
    if (hasField(answer.text, 'outcome')) return null;
    // A mutated path that no longer names the route falls through to the app's coded 404 below.
    if (answer.status !== 404) return 'redirect answer without an outcome';
  }
  if (!answer.contentType.includes('application/json'))
    return `error ${answer.status} is not JSON (${answer.contentType})`;
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') return 'error body has no code';
  } catch {
    return 'error body is not JSON';
  }
  return null;
}

function hasField(text: string, field: string): boolean {
  try {
    return field in (JSON.parse(text) as object);
  } catch {
    return false;
  }
}

function describe(req: FuzzRequest): string {
  const body = req.raw ?? req.body;
  const shown = body ? JSON.stringify(body.toString('utf8').slice(0, 400)) : '';
  return `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 300)} ${shown}`;
}

function describeAnswer(answer: FuzzAnswer): string {
  return answer.kind === 'answer'
    ? `${answer.status} ${answer.text.slice(0, 300)}`
    : `${answer.kind}: ${answer.message}`;
}
