import type { AmoWidget } from './amo-types';

/**
 * Adds `<link rel="stylesheet" href="<widget path>/style.css?v=<version>">` to the page head unless a link with that
 * href is there already: the platform never loads a widget's style.css itself, and the docs add it this way, once,
 * with the version so a new upload is not served stale (integrations/script_js.md). The path is amoCRM's
 * `/widgets/<code>` (`get_settings().path`, else `params.path`), so the file comes from amoCRM's host, never from our
 * backend. Without a path there is nothing to load, and the panel shows with the page's own styles.
 */
export function loadStylesheet(widget: AmoWidget, doc: Document | undefined): void {
  const settings = widget.get_settings();
  const path = settings.path ?? widget.params?.path;
  if (doc?.head == null || typeof path !== 'string' || path === '') return;
  const version = String(widget.get_version?.() ?? settings.version ?? '');
  const href = `${path.replace(/\/+$/, '')}/style.css${version === '' ? '' : `?v=${encodeURIComponent(version)}`}`;
  for (const link of doc.head.querySelectorAll('link')) if (link.getAttribute('href') === href) return;
  doc.head.append(Object.assign(doc.createElement('link'), { rel: 'stylesheet', href }));
}
