import { z } from 'zod/mini';

export const amocrmStatus = z.looseObject({
  id: z.number().check(z.int()),
  name: z.string(),
  sort: z.optional(z.number()),
  /** 1 = the pipeline's Unsorted, 0 = a regular status. */
  type: z.optional(z.number()),
});

/** One pipeline of `GET /api/v4/leads/pipelines` (crm-rest.md §6). */
export const amocrmPipeline = z.looseObject({
  id: z.number().check(z.int(), z.positive()),
  name: z.string(),
  sort: z.optional(z.number()),
  is_main: z.boolean(),
  is_archive: z.boolean(),
  is_unsorted_on: z.optional(z.boolean()),
  _embedded: z.optional(z.looseObject({ statuses: z.optional(z.array(amocrmStatus)) })),
});

export const amocrmPipelineList = z.looseObject({
  _embedded: z.looseObject({ pipelines: z.array(amocrmPipeline) }),
});

export type AmocrmPipeline = z.infer<typeof amocrmPipeline>;
