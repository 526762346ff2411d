import { z } from 'zod/mini';
import { FAULT_ENDPOINTS } from './endpoint-faults';

const optional = z.exactOptional;
const entityId = z.int().check(z.positive());
const httpUrl = z.url({ protocol: /^https?$/ });

export const installInput = z.strictObject({ accountId: entityId, userId: optional(entityId) });
export const accountInput = z.strictObject({ accountId: entityId });
export const accountUserInput = z.strictObject({ accountId: entityId, userId: entityId });
export const tokenTtlInput = z.strictObject({ seconds: z.int().check(z.gte(1), z.lte(365 * 24 * 3600)) });
export const expireTokensInput = z.strictObject({ accountId: optional(entityId) });
/** `null` switches the rate limit off. */
export const rateLimitInput = z.strictObject({ perSecond: z.nullable(z.int().check(z.gte(1), z.lte(10_000))) });

const endpoint = z.enum(FAULT_ENDPOINTS);

export const pipelineInput = z.strictObject({
  accountId: entityId,
  id: optional(entityId),
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  isMain: optional(z.boolean()),
  isArchive: optional(z.boolean()),
  isUnsortedOn: optional(z.boolean()),
  sort: optional(z.int()),
});
export const pipelineIdInput = z.strictObject({ pipelineId: entityId });
export const pipelineArchiveInput = z.strictObject({ pipelineId: entityId, archived: z.boolean() });
export const contactInput = z.strictObject({
  accountId: entityId,
  id: optional(entityId),
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  phones: optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(20))),
  emails: optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(20))),
  responsibleUserId: optional(entityId),
});
/** `?accountId=` on the control lists: one account, or all without it. */
export const accountFilterInput = z.strictObject({
  accountId: optional(z.pipe(z.string().check(z.regex(/^[1-9]\d{0,14}$/)), z.transform(Number))),
});

export const faultInput = z.union([
  z.strictObject({
    endpoint,
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    retryAfter: optional(z.int().check(z.gte(0))),
    count: z.int().check(z.gte(1)),
  }),
  z.strictObject({ endpoint, latencyMs: z.int().check(z.gte(0), z.lte(600_000)) }),
  z.strictObject({ refuseRefresh: z.boolean() }),
]);

/** The data half of the emulator's options (the functions are not checked). */
export const emulatorSeed = z.strictObject({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  redirectUri: httpUrl,
  disconnectHookUrl: optional(httpUrl),
  accounts: z
    .array(
      z.strictObject({
        id: entityId,
        subdomain: z.string().check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)),
        domain: z.enum(['amocrm.ru', 'amocrm.com', 'kommo.com']),
        amojoId: z.string().check(z.minLength(1)),
        name: optional(z.string()),
      }),
    )
    .check(z.minLength(1)),
  users: z.array(
    z.strictObject({
      id: entityId,
      accountId: entityId,
      name: z.string().check(z.minLength(1)),
      email: optional(z.string()),
      isAdmin: z.boolean(),
    }),
  ),
  accessTokenTtlSeconds: optional(tokenTtlInput.shape.seconds),
  pipelines: optional(z.array(pipelineInput)),
  contacts: optional(z.array(contactInput)),
});

export type FaultInput = z.input<typeof faultInput>;
export type PipelineInput = z.input<typeof pipelineInput>;
export type ContactInput = z.input<typeof contactInput>;
