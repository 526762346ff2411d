import { z } from 'zod/mini';
import type * as contract from '../../src/contracts/link';
import { linkErrorCodes } from '../../src/contracts/link';

/*
 * What the panel reads of each answer of the numbers API, and nothing more. The contracts' response schemas carry
 * the backend's field rules (id ranges, timestamp and URL formats, their English messages), which the panel never
 * shows; decoding with them cost the bundle about 0.5 KB gzip (docs/decisions.md "Widget bundle"). Every field the
 * panel reads is still checked for its type, and every state it branches on for its closed set of values. Unknown
 * keys are dropped (z.object), as the contracts intend for responses. The types keep the contracts' names, so a
 * widget module only swaps its import; `ContractFits` below fails to compile when a contract body would not decode.
 */

const linkSourceView = z.object({
  state: z.enum(['pending', 'synced', 'failed']),
  id: z.optional(z.number()),
  error: z.optional(z.string()),
});

const linkItemView = z.object({
  id: z.string(),
  title: z.string(),
  /** Admins only. */
  webhook_url: z.optional(z.string()),
  time_window_disabled: z.boolean(),
  pipeline_id: z.nullable(z.number()),
  source: linkSourceView,
  api_key_hint: z.string(),
  connected: z.boolean(),
  delivery: z.optional(z.object({ state: z.enum(['ok', 'failing']), since: z.optional(z.string()) })),
  created_at: z.string(),
});

const linkCredentialsView = z.object({ api_key: z.string(), signing_secret: z.string() });

export const linkListView = z.object({
  installation: z.object({
    state: z.enum(['missing', 'active', 'needs_reauthorization', 'removed']),
    grant_url: z.optional(z.string()),
  }),
  viewer: z.object({ is_admin: z.boolean() }),
  links: z.array(linkItemView),
  limit: z.number(),
});

export const linkIssuedView = z.object({ link: linkItemView, credentials: linkCredentialsView });

export const linkItemResponseView = z.object({ link: linkItemView });

/**
 * The panel reads nothing of this answer but its success; `removed` is still required, as a boolean: `z.literal`
 * would pull zod's literal schema into the bundle for this one field (about 0.1 KB gzip with the grant message).
 */
export const linkRemovedView = z.object({ id: z.string(), removed: z.boolean() });

const pipelineOptionView = z.object({ id: z.number(), name: z.string() });

export const pipelineListView = z.object({ pipelines: z.array(pipelineOptionView) });

export const linkTestView = z.object({
  outcome: z.enum(['delivered', 'http_error', 'timeout', 'unreachable']),
  http_status: z.nullable(z.number()),
  duration_ms: z.number(),
  event_id: z.string(),
});

/** Every non-2xx answer: the code picks the admin's message; the backend's English `message`s are never shown. */
export const linkErrorView = z.object({
  error: z.object({
    code: z.enum(linkErrorCodes),
    issues: z.optional(z.array(z.object({ path: z.string() }))),
    /** With account_not_installed: amoCRM's access popup for this account. */
    grant_url: z.optional(z.string()),
  }),
});

export type LinkItem = z.infer<typeof linkItemView>;
export type LinkCredentials = z.infer<typeof linkCredentialsView>;
export type LinkListResponse = z.infer<typeof linkListView>;
export type InstallationState = LinkListResponse['installation']['state'];
export type LinkIssuedResponse = z.infer<typeof linkIssuedView>;
export type LinkItemResponse = z.infer<typeof linkItemResponseView>;
export type LinkRemovedResponse = z.infer<typeof linkRemovedView>;
export type PipelineOption = z.infer<typeof pipelineOptionView>;
export type PipelineListResponse = z.infer<typeof pipelineListView>;
export type LinkTestResponse = z.infer<typeof linkTestView>;
export type LinkErrorView = z.infer<typeof linkErrorView>;
export type LinkErrorIssue = NonNullable<LinkErrorView['error']['issues']>[number];

type Fits<Body, View> = [Body] extends [View] ? true : false;
type All<T extends readonly true[]> = T;

/** Compile-time only: every body a contract allows is one its view decodes. */
export type ContractFits = All<
  [
    Fits<contract.LinkListResponse, LinkListResponse>,
    Fits<contract.LinkIssuedResponse, LinkIssuedResponse>,
    Fits<contract.LinkItemResponse, LinkItemResponse>,
    Fits<contract.LinkRemovedResponse, LinkRemovedResponse>,
    Fits<contract.PipelineListResponse, PipelineListResponse>,
    Fits<contract.LinkTestResponse, LinkTestResponse>,
    Fits<contract.LinkErrorBody, LinkErrorView>,
  ]
>;
