import type { LinkPutRequest } from '../contracts/link';
import type { Link } from '../store/links-repo';

/** What amojo's connect carries for the account's one scope. */
export type ScopeConnection = Pick<LinkPutRequest, 'amojo_id' | 'title' | 'time_window_disabled'>;

type LinkSettingsOf = Pick<Link, 'id' | 'title' | 'timeWindowDisabled'>;

/**
 * The connect of the account's scope, shared by all its live links (`live`, oldest first, as listAccountLinks orders
 * them), with `change` (a link being added or edited) put in place of its stored settings. amojo keeps one title and
 * one time-window flag per scope: the title is the primary (oldest) link's, and the window is off when any link turns
 * it off, since amojo would otherwise hold back that link's messages outside working hours (the relay still applies
 * each link's own flag).
 */
export function scopeConnectionOf(
  amojoId: string,
  live: readonly LinkSettingsOf[],
  change?: LinkSettingsOf,
): ScopeConnection {
  const links =
    change === undefined
      ? live
      : live.some((link) => link.id === change.id)
        ? live.map((link) => (link.id === change.id ? change : link))
        : [...live, change];
  const primary = links[0];
  if (primary === undefined) throw new Error('a scope connection needs at least one link');
  return {
    amojo_id: amojoId,
    title: primary.title,
    time_window_disabled: links.some((link) => link.timeWindowDisabled),
  };
}
