import { z } from 'zod/mini';
import {
  amojoIdSchema,
  intSchema,
  linkTitleSchema,
  minLengthString,
  timestampSchema,
  webhookUrlSchema,
} from './link-fields';

/** The account as the backend knows it from the verified token (never from a request body). */
export const linkAccountSchema = z.object({
  id: intSchema(1),
  subdomain: minLengthString(1),
});

/**
 * The account's installation as the backend holds it: `missing` (never installed, or installed before the backend
 * could receive the code), `active`, `needs_reauthorization` (amoCRM refused the refresh token: access lapsed or was
 * revoked) or `removed` (the integration was disabled; its disconnect hook arrived). Anything but `active` comes with
 * `grant_url`, amoCRM's access popup in post_message mode with a `state` issued for this account.
 */
export const installationStateSchema = z.enum(['missing', 'active', 'needs_reauthorization', 'removed']);

export const linkInstallationSchema = z.object({
  state: installationStateSchema,
  grant_url: z.optional(z.string()),
});

/** Who is looking: only admins may change the link, and only they see its webhook URL. */
export const linkViewerSchema = z.object({
  user_id: intSchema(1),
  is_admin: z.boolean(),
});

/** How deliveries to a link's messenger webhook fare (see `delivery` of the linked status). */
export const linkDeliverySchema = z.object({
  state: z.enum(['ok', 'failing']),
  since: z.optional(timestampSchema),
  failures: intSchema(0),
});

/*
 * Responses use z.object (unknown keys are dropped, not rejected), so a backend that adds a field does not break
 * widgets already installed in accounts.
 */
export const unlinkedStatusSchema = z.object({
  state: z.literal('unlinked'),
  account: linkAccountSchema,
  installation: linkInstallationSchema,
  viewer: linkViewerSchema,
});

export const linkedStatusSchema = z.object({
  state: z.literal('linked'),
  account: linkAccountSchema,
  installation: linkInstallationSchema,
  viewer: linkViewerSchema,
  /**
   * Whether the scope is connected at amojo now: false while the installation is removed (the disconnect hook
   * disconnected it and parked the link's jobs) until an install reconnects it. Never "Linked" when it is not.
   */
  connected: z.boolean(),
  amojo_id: amojoIdSchema,
  title: linkTitleSchema,
  /** Admins only: it tells where the messenger lives. */
  webhook_url: z.optional(webhookUrlSchema),
  time_window_disabled: z.boolean(),
  /** The first characters of the active API key, enough to recognise it and never enough to use it. */
  api_key_hint: z.string(),
  /**
   * How deliveries to the messenger's webhook fare, for admins and users alike: `failing` while the link's delivery
   * breaker is open (5 straight failures of the messenger: 5xx, 429, timeouts, unreachable, refused by the egress
   * policy), `since` the first failure of that streak; `failures` counts the streak, also below the threshold.
   * Left out while there is no streak (the last delivery went through), and by the answers of PUT and rotate.
   */
  delivery: z.optional(linkDeliverySchema),
  /** When the current link was made: a relink after an unlink starts it again ("Linked on" in the panel). */
  created_at: timestampSchema,
  updated_at: timestampSchema,
});

/** Body of `GET /api/widget/link` (200); `state` tells the two shapes apart. */
export const linkStatusSchema = z.union([unlinkedStatusSchema, linkedStatusSchema]);

export type LinkAccount = z.infer<typeof linkAccountSchema>;
export type InstallationState = z.infer<typeof installationStateSchema>;
export type LinkInstallation = z.infer<typeof linkInstallationSchema>;
export type LinkViewer = z.infer<typeof linkViewerSchema>;
export type UnlinkedStatus = z.infer<typeof unlinkedStatusSchema>;
export type LinkedStatus = z.infer<typeof linkedStatusSchema>;
export type LinkStatus = z.infer<typeof linkStatusSchema>;
