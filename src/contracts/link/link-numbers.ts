import { z } from 'zod/mini';
import { linkCredentialsSchema } from './link-credentials';
import {
  amojoIdSchema,
  intSchema,
  linkTitleSchema,
  minLengthString,
  timestampSchema,
  webhookUrlSchema,
} from './link-fields';
import { linkAccountSchema, linkDeliverySchema, linkInstallationSchema, linkViewerSchema } from './link-status';

/*
 * The collection API (`/api/widget/links`): an account runs up to 100 links, one per messenger number or bot, each
 * with its own amoCRM source (`external_id` = the link's id) routed to a pipeline. Responses use z.object so a field
 * the backend adds never breaks an installed widget; requests are strict so a misspelt field is named.
 */

/** The platform's limit of active sources per integration and account (crm-rest.md §4.1). */
export const maxLinksPerAccount = 100;

/** A pipeline id the admin picked, or null for amoCRM's choice (the main pipeline). */
export const pipelineIdSchema = z.nullable(intSchema(1));

/**
 * The link's amoCRM source: `pending` until the backend has created or updated it at amoCRM (an outbox job, retried),
 * `synced` when amoCRM holds it as the link says, `failed` when amoCRM refused it (`error` says why, e.g. the
 * account's 100 sources are used up by another integration's widget code source).
 */
export const linkSourceSchema = z.object({
  state: z.enum(['pending', 'synced', 'failed']),
  /** amoCRM's source id, once created. */
  id: z.optional(intSchema(1)),
  error: z.optional(z.string()),
});

/** One number as `GET /api/widget/links` lists it (live links only: linked or being linked). */
export const linkItemSchema = z.object({
  id: minLengthString(1),
  title: linkTitleSchema,
  /** Admins only: it tells where the messenger lives. */
  webhook_url: z.optional(webhookUrlSchema),
  time_window_disabled: z.boolean(),
  pipeline_id: pipelineIdSchema,
  source: linkSourceSchema,
  api_key_hint: z.string(),
  /** False while the installation is removed (the link is parked) or amojo's connect has not answered yet. */
  connected: z.boolean(),
  delivery: z.optional(linkDeliverySchema),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});

/** Body of `GET /api/widget/links` (200). `amojo_id` once the account is bound to one. */
export const linkListResponseSchema = z.object({
  account: linkAccountSchema,
  installation: linkInstallationSchema,
  viewer: linkViewerSchema,
  amojo_id: z.optional(amojoIdSchema),
  links: z.array(linkItemSchema),
  limit: intSchema(1),
});

/** Body of `POST /api/widget/links`: a new number. `amojo_id` is checked against the one amoCRM reports. */
export const linkCreateRequestSchema = z.strictObject({
  amojo_id: amojoIdSchema,
  title: linkTitleSchema,
  webhook_url: webhookUrlSchema,
  time_window_disabled: z.boolean(),
  pipeline_id: pipelineIdSchema,
});

/** Body of `PUT /api/widget/links/{id}`: every setting of a live link; the id is the path's. */
export const linkUpdateRequestSchema = z.strictObject({
  title: linkTitleSchema,
  webhook_url: webhookUrlSchema,
  time_window_disabled: z.boolean(),
  pipeline_id: pipelineIdSchema,
});

/** `POST /api/widget/links` (201) and `POST /api/widget/links/{id}/rotate` (200): credentials shown once. */
export const linkIssuedResponseSchema = z.object({
  link: linkItemSchema,
  credentials: linkCredentialsSchema,
});

/** `GET` and `PUT /api/widget/links/{id}` (200). */
export const linkItemResponseSchema = z.object({ link: linkItemSchema });

/** `DELETE /api/widget/links/{id}` (200): unlinked and its source removed (or queued for removal). Repeatable. */
export const linkRemovedResponseSchema = z.object({ id: minLengthString(1), removed: z.literal(true) });

/** One pipeline the admin may route a number to: active ones only, the main one first. */
export const pipelineOptionSchema = z.object({
  id: intSchema(1),
  name: z.string(),
  is_main: z.boolean(),
});

/** Body of `GET /api/widget/pipelines` (200); any user of the account may read it. */
export const pipelineListResponseSchema = z.object({ pipelines: z.array(pipelineOptionSchema) });

export type LinkSource = z.infer<typeof linkSourceSchema>;
export type LinkItem = z.infer<typeof linkItemSchema>;
export type LinkListResponse = z.infer<typeof linkListResponseSchema>;
export type LinkCreateRequest = z.infer<typeof linkCreateRequestSchema>;
export type LinkUpdateRequest = z.infer<typeof linkUpdateRequestSchema>;
export type LinkIssuedResponse = z.infer<typeof linkIssuedResponseSchema>;
export type LinkItemResponse = z.infer<typeof linkItemResponseSchema>;
export type LinkRemovedResponse = z.infer<typeof linkRemovedResponseSchema>;
export type PipelineOption = z.infer<typeof pipelineOptionSchema>;
export type PipelineListResponse = z.infer<typeof pipelineListResponseSchema>;
