import type { SandboxUser } from './amocrm-page-options';

export interface PageUsers {
  /** Everyone the switch offers, in order; `isAdmin` filled in. */
  readonly all: readonly (SandboxUser & { readonly isAdmin: boolean })[];
  /** Who the page acts as now: the settings page, its one-time tokens and the inbox's answers. */
  current(): SandboxUser & { readonly isAdmin: boolean };
  /** Switches to a user of the list; false for an unknown id (nothing changes). */
  select(userId: number): boolean;
}

/**
 * The page's users and which one is signed in. Kept by the page server, not the browser, so a reload (and the inbox
 * in another tab) stays the same user, as amoCRM's session would.
 */
export function createPageUsers(start: SandboxUser, listed: readonly SandboxUser[] = []): PageUsers {
  const withStart = listed.some((user) => user.id === start.id) ? listed : [start, ...listed];
  const all = withStart.map((user) => ({ ...user, isAdmin: user.isAdmin ?? true }));
  if (new Set(all.map((user) => user.id)).size !== all.length) throw new Error('the page users need unique ids');
  let current = all.find((user) => user.id === start.id)!;
  return {
    all,
    current: () => current,
    select(userId) {
      const next = all.find((user) => user.id === userId);
      if (next === undefined) return false;
      current = next;
      return true;
    },
  };
}
