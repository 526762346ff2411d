import { type ArchiveFiles, decodeUtf8, type Violation, violation } from './violation';

// The build writes the backend origin as this literal (widget/index.ts, vite.config.ts `__WIDGET_BACKEND_URL__`).
const BACKEND_LITERAL = /\bbackendUrl: "([^"]*)"/;
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net)|localhost|test|invalid)$/i;

/**
 * What only a release must not carry, checked on top of the platform rules with `--release`: the sandbox backend
 * (an https amoCRM page blocks an http origin as mixed content, and 127.0.0.1 is the admin's own machine) and the
 * template's placeholder support contacts, which moderation reads and admins are sent to.
 */
export function checkRelease(files: ArchiveFiles): Violation[] {
  const violations: Violation[] = [];
  const script = decodeUtf8(files.get('script.js') ?? new Uint8Array()) ?? '';
  const backend = BACKEND_LITERAL.exec(script)?.[1];
  if (backend === undefined) {
    violations.push(violation('script.js', 'release/backend', 'the backend origin is not where the build puts it'));
  } else if (!isPublicHttps(backend)) {
    violations.push(
      violation(
        'script.js',
        'release/backend',
        `backend ${backend} is not a public https origin; set WIDGET_BACKEND_URL`,
      ),
    );
  }
  const manifest = JSON.parse(decodeUtf8(files.get('manifest.json') ?? new Uint8Array()) ?? '{}') as {
    widget?: { support?: { link?: unknown; email?: unknown } };
  };
  const { link, email } = manifest.widget?.support ?? {};
  const linkHost = typeof link === 'string' && URL.canParse(link) ? new URL(link).hostname : '';
  const emailHost = typeof email === 'string' ? (email.split('@')[1] ?? '') : '';
  for (const [field, host] of [
    ['link', linkHost],
    ['email', emailHost],
  ] as const) {
    if (host === '' || PLACEHOLDER_HOST.test(host)) {
      violations.push(
        violation('manifest.json', 'release/support', `widget.support.${field} is a placeholder; give your own`),
      );
    }
  }
  return violations;
}

function isPublicHttps(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return url.protocol === 'https:' && !PLACEHOLDER_HOST.test(url.hostname) && !/^[\d.]+$|^\[/.test(url.hostname);
}
