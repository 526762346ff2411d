/** The numbers collection: GET the account's numbers, POST a new one. */
export const linksPath = '/api/widget/links';

/** GET the account's active pipelines, the main one first. */
export const pipelinesPath = '/api/widget/pipelines';

/**
 * HTTP paths of the widget link API; every route requires the CRM's one-time `X-Auth-Token` header. The widget
 * imports `linksPath`, `pipelinesPath` and `linkPathOf` only, so the deprecated entries stay out of its bundle.
 */
export const linkPaths = {
  /** Deprecated (one release): the account's first link. GET status, PUT link or update, DELETE unlink. */
  link: '/api/widget/link',
  /** Deprecated: POST: issue a new API key and signing secret for the first link, invalidating the old pair at once. */
  rotate: '/api/widget/link/rotate',
  /** Deprecated: POST: send one signed test event to the first link's webhook URL. */
  test: '/api/widget/link/test',
  links: linksPath,
  /** GET, PUT, DELETE one number (`:id` is the link id, also its source's `external_id`). */
  linkById: '/api/widget/links/:id',
  rotateById: '/api/widget/links/:id/rotate',
  testById: '/api/widget/links/:id/test',
  pipelines: pipelinesPath,
} as const;

/** The path of one number's resource, for the widget (`linkPaths.linkById` with the id put in). */
export function linkPathOf(id: string, action?: 'rotate' | 'test'): string {
  return `${linksPath}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}
