import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod/mini';
import {
  linkIssuedResponseSchema,
  linkListResponseSchema,
  linkPaths,
  pipelineListResponseSchema,
} from '../contracts/link';

/** One demo number to link: its messenger number id, the link's title, and the pipeline (by name) its leads go to. */
export interface SeedNumber {
  readonly numberId: string;
  readonly title: string;
  /** Matched against the account's pipelines by name; a name amoCRM does not have leaves the choice to amoCRM. */
  readonly pipelineName: string;
  readonly webhookUrl: string;
}

export interface SeedNumbersInput {
  readonly backendUrl: string;
  /** A fresh one-time token (as the admin) for each request: the backend spends each jti once. */
  readonly mintToken: () => Promise<string>;
  /** The account's amojo id, which `POST /api/widget/links` checks. */
  readonly amojoId: string;
  readonly numbers: readonly SeedNumber[];
  /** Hands a new link's credentials to the demo messenger number. */
  readonly configure: (numberId: string, credentials: { apiKey: string; signingSecret: string }) => Promise<unknown>;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly fetch?: typeof fetch;
}

export type SeedOutcome =
  | { readonly state: 'seeded'; readonly linkIds: readonly string[] }
  | { readonly state: 'already_linked' }
  | { readonly state: 'stopped' }
  | { readonly state: 'failed'; readonly reason: string };

/**
 * What an admin would do in the widget panel right after installing, done once for the sandbox: wait (polling the
 * backend's link API as the widget does) until the installation is active, then, if the account has no number yet,
 * create one link per demo number through the public `POST /api/widget/links`, each in its pipeline, and paste its
 * credentials into the demo messenger. Going through the backend's own API (rather than its store) keeps the
 * sandbox honest: the source sync, the amojo connect and every gate run as for a real widget. An account that has a
 * number already (a restart, or an admin who linked by hand) is left as it is.
 */
export async function seedSandboxNumbers(input: SeedNumbersInput): Promise<SeedOutcome> {
  const doFetch = input.fetch ?? globalThis.fetch;
  const base = input.backendUrl.replace(/\/+$/, '');
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        'X-Auth-Token': await input.mintToken(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: input.signal,
    });
    return { status: response.status, json: (await response.json().catch(() => null)) as unknown };
  };

  try {
    for (;;) {
      const listed = await call('GET', linkPaths.links).catch(() => undefined);
      const list = listed?.status === 200 ? z.safeParse(linkListResponseSchema, listed.json) : undefined;
      if (list?.success && list.data.installation.state === 'active') {
        if (list.data.links.length > 0) return { state: 'already_linked' };
        break;
      }
      if (listed !== undefined && listed.status === 404) return { state: 'failed', reason: 'no link collection API' };
      await sleep(input.pollMs ?? 500, undefined, { signal: input.signal });
    }
    const pipelines = await call('GET', linkPaths.pipelines);
    const parsedPipelines = z.safeParse(pipelineListResponseSchema, pipelines.json);
    const pipelineIds = new Map(
      parsedPipelines.success ? parsedPipelines.data.pipelines.map((p) => [p.name.toLowerCase(), p.id]) : [],
    );
    const linkIds: string[] = [];
    for (const number of input.numbers) {
      const created = await call('POST', linkPaths.links, {
        amojo_id: input.amojoId,
        title: number.title,
        webhook_url: number.webhookUrl,
        time_window_disabled: false,
        pipeline_id: pipelineIds.get(number.pipelineName.toLowerCase()) ?? null,
      });
      const issued = z.safeParse(linkIssuedResponseSchema, created.json);
      if (created.status !== 201 || !issued.success) {
        return { state: 'failed', reason: `POST ${linkPaths.links} answered ${created.status}` };
      }
      linkIds.push(issued.data.link.id);
      const { api_key, signing_secret } = issued.data.credentials;
      await input.configure(number.numberId, { apiKey: api_key, signingSecret: signing_secret });
    }
    return { state: 'seeded', linkIds };
  } catch (error) {
    if (input.signal.aborted) return { state: 'stopped' };
    return { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
