/** HTTP paths of the widget link API; every route requires the CRM's one-time `X-Auth-Token` header. */
export const linkPaths = {
  /** GET status, PUT link or update, DELETE unlink. */
  link: '/api/widget/link',
  /** POST: issue a new API key and signing secret, invalidating the old pair at once. */
  rotate: '/api/widget/link/rotate',
  /** POST: send one signed test event to the messenger webhook URL. */
  test: '/api/widget/link/test',
} as const;
