import { z } from 'zod/mini';

/**
 * GET /bridge/v1/me: the link an API key belongs to, so a messenger can check a pasted key (and, by verifying the
 * signature of this answer, the pasted signing secret) before it relies on them. Loose: fields may be added.
 */
export const bridgeMe = z.looseObject({
  /** The account's name in amoCRM, as the link has it. */
  title: z.string(),
  account: z.looseObject({
    /** amoCRM's account id. */
    id: z.int(),
    /** The account's subdomain (`shop` of shop.amocrm.ru / shop.kommo.com). */
    subdomain: z.string(),
    /** The account's region (`ru`, `com`…). */
    region: z.string(),
  }),
  /** Where deliveries for this link go, as the admin pasted it into the widget panel. */
  webhook_url: z.nullable(z.string()),
});
