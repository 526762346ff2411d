import type { AccountSeed, UserSeed } from './amocrm-emulator-types';

const ALL = { view: 'A', edit: 'A', add: 'A', delete: 'A', export: 'A' } as const;
/** A manager sees and edits their own records, adds any, deletes and exports none. */
const OWN = { view: 'M', edit: 'M', add: 'A', delete: 'D', export: 'D' } as const;

/** GET /api/v4/users/{id} in the docs' shape (crm-rest §3): `rights` with the three flags the backend reads. */
export function buildUserBody(account: AccountSeed, user: UserSeed) {
  const entity = user.isAdmin ? ALL : OWN;
  return {
    id: user.id,
    name: user.name,
    email: user.email ?? `user${user.id}@${account.subdomain}.example`,
    lang: account.domain === 'amocrm.ru' ? 'ru' : 'en',
    rights: {
      leads: entity,
      contacts: entity,
      companies: entity,
      tasks: user.isAdmin ? { edit: 'A', delete: 'A' } : { edit: 'M', delete: 'D' },
      mail_access: true,
      catalog_access: user.isAdmin,
      status_rights: null,
      is_admin: user.isAdmin,
      is_free: false,
      is_active: true,
      group_id: null,
      role_id: null,
    },
    _links: { self: { href: `https://${account.subdomain}.${account.domain}/api/v4/users/${user.id}` } },
  };
}
