import { type InfoPageLink, renderInfoPage } from '../http/render-info-page';

export interface RootPageOptions {
  /** The version shown; package.json's when not given. */
  readonly version?: string | undefined;
  /** The sandbox's other pages (amoCRM page, inbox, demo messenger, amojo emulator), when this backend runs in it. */
  readonly links?: readonly InfoPageLink[] | undefined;
}

/**
 * The backend's `/`. It names no account, link or secret: the same page shows in production.
 */
export function renderRootPage(options: RootPageOptions & { readonly openapi: boolean }): string {
  const sandbox = options.links ?? [];
  return renderInfoPage({
    name: 'Chat channel backend',
    version: options.version,
    detail: sandbox.length > 0 ? 'running in the sandbox' : undefined,
    about:
      "This process links amoCRM (Kommo) accounts to a messenger: the widget's link API, the amojo webhook, and the " +
      'bridge that messengers call under /bridge/v1/ and that signs what it delivers to them.',
    sections: [
      {
        heading: 'Endpoints',
        links: [
          ...(options.openapi
            ? [{ label: '/openapi.json: the widget link API and the bridge, as OpenAPI 3', url: '/openapi.json' }]
            : []),
          { label: '/healthz: the process answers', url: '/healthz' },
          { label: '/readyz: the database and the relay worker are ready', url: '/readyz' },
          { label: '/metrics: Prometheus metrics', url: '/metrics' },
        ],
      },
      { heading: 'The sandbox', links: sandbox },
    ],
  });
}
