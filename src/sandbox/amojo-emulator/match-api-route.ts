export type ApiRouteName =
  | 'connect'
  | 'disconnect'
  | 'createChat'
  | 'message'
  | 'deliveryStatus'
  | 'history'
  | 'typing'
  | 'react';

export type ApiRouteMatch =
  | {
      readonly kind: 'route';
      readonly name: ApiRouteName;
      /** The channel id the path names (directly, or as the prefix of a scope id). */
      readonly channelId: string;
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: string };

const PREFIX = '/v2/origin/custom/';

interface Pattern {
  readonly name: ApiRouteName;
  readonly method: string;
  /** Segments after the prefix; `:x` captures, other values must match literally. */
  readonly segments: readonly string[];
}

const PATTERNS: readonly Pattern[] = [
  { name: 'connect', method: 'POST', segments: [':channel_id', 'connect'] },
  { name: 'disconnect', method: 'DELETE', segments: [':channel_id', 'disconnect'] },
  { name: 'createChat', method: 'POST', segments: [':scope_id', 'chats'] },
  { name: 'message', method: 'POST', segments: [':scope_id'] },
  { name: 'deliveryStatus', method: 'POST', segments: [':scope_id', ':message_id', 'delivery_status'] },
  { name: 'history', method: 'GET', segments: [':scope_id', 'chats', ':chat_id', 'history'] },
  { name: 'typing', method: 'POST', segments: [':scope_id', 'typing'] },
  { name: 'react', method: 'POST', segments: [':scope_id', 'react'] },
];

/** Maps a path (query already removed) to one of amojo's eight endpoints. */
export function matchApiRoute(method: string, path: string): ApiRouteMatch {
  if (!path.startsWith(PREFIX)) return { kind: 'not_found' };
  let parts: string[];
  try {
    parts = path.slice(PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return { kind: 'not_found' };
  }
  if (parts.some((part) => part === '')) return { kind: 'not_found' };
  const allowed: string[] = [];
  for (const pattern of PATTERNS) {
    const params = capture(pattern.segments, parts);
    if (!params) continue;
    if (pattern.method !== method) {
      allowed.push(pattern.method);
      continue;
    }
    const channelId = params.channel_id ?? channelOfScope(params.scope_id ?? '');
    return { kind: 'route', name: pattern.name, channelId, params };
  }
  return allowed.length > 0 ? { kind: 'method_not_allowed', allow: allowed.join(', ') } : { kind: 'not_found' };
}

/** scope_id is `<channel_id>_<account_id>`; UUIDs contain no underscore. */
export function channelOfScope(scopeId: string): string {
  const at = scopeId.indexOf('_');
  return at === -1 ? '' : scopeId.slice(0, at);
}

function capture(segments: readonly string[], parts: readonly string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = part;
    else if (segment !== part) return null;
  }
  return params;
}
