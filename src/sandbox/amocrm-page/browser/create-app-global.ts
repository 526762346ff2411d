import type { CrmPageBootstrap } from '../page-types';

export interface AppGlobal {
  readonly lang_id: string;
  constant(name: string): unknown;
  getWidgetsArea(): string;
  getBaseEntity(): string;
  isCard(): boolean;
  readonly data: { readonly current_card: false };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * `APP` as web_sdk/env_variables.md describes it, with the constants widgets may read (user, user_rights, account,
 * managers, groups, task_types). Everything is frozen: widgets must never write to it, and strict-mode code that
 * tries gets a TypeError here instead of silently corrupting a real account page.
 */
export function createAppGlobal(boot: CrmPageBootstrap): AppGlobal {
  const { account, user } = boot;
  const constants: Record<string, unknown> = deepFreeze({
    account: {
      id: account.id,
      name: account.name,
      subdomain: account.subdomain,
      amojo_id: account.amojo_id,
      top_level_domain: account.domain.endsWith('.ru') ? 'ru' : 'com',
    },
    user: { id: user.id, name: user.name, login: user.email, amojo_id: user.amojo_id },
    user_rights: { is_admin: 'Y', is_free_user: 'N' },
    managers: {
      [user.id]: {
        id: user.id,
        title: user.name,
        login: user.email,
        is_admin: 'Y',
        free_user: 'N',
        active: true,
        amojo_id: user.amojo_id,
        group: 'group_0',
      },
    },
    groups: { group_0: 'Sales' },
    task_types: { 1: { id: 1, option: 'Follow-up' }, 2: { id: 2, option: 'Meeting' } },
  });
  return Object.freeze({
    lang_id: boot.lang,
    constant: (name: string) => constants[name],
    getWidgetsArea: () => 'widgetsSettings',
    getBaseEntity: () => 'widgetsSettings',
    isCard: () => false,
    data: Object.freeze({ current_card: false as const }),
  });
}
