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
  const yesNo = (flag: boolean) => (flag ? 'Y' : 'N');
  const constants: Record<string, unknown> = deepFreeze({
    account: {
      id: account.id,
      name: account.name,
      subdomain: account.subdomain,
      amojo_id: account.amojo_id,
      top_level_domain: account.domain.endsWith('.ru') ? 'ru' : 'com',
    },
    user: { id: user.id, name: user.name, login: user.email, amojo_id: user.amojo_id },
    user_rights: { is_admin: yesNo(user.is_admin), is_free_user: 'N' },
    managers: Object.fromEntries(
      boot.users.map((other) => [
        other.id,
        {
          id: other.id,
          title: other.name,
          login: other.email,
          is_admin: yesNo(other.is_admin),
          free_user: 'N',
          active: true,
          amojo_id: other.amojo_id,
          group: 'group_0',
        },
      ]),
    ),
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
