import type { AccountSeed } from './amocrm-emulator-types';

/**
 * GET /api/v4/account in the docs' shape (crm-rest §2): the always-present fields, `current_user_id` = the token's
 * user, `amojo_id` only when `with` asks for it, and `_links.self` on the account's own host, as amoCRM writes it.
 */
export function buildAccountBody(account: AccountSeed, currentUserId: number, withValues: ReadonlySet<string>) {
  const ru = account.domain === 'amocrm.ru';
  return {
    id: account.id,
    name: account.name ?? account.subdomain,
    subdomain: account.subdomain,
    created_at: 1_577_836_800,
    created_by: 0,
    updated_at: 1_577_836_800,
    updated_by: 0,
    current_user_id: currentUserId,
    country: ru ? 'RU' : 'US',
    currency: ru ? 'RUB' : 'USD',
    currency_symbol: ru ? '₽' : '$',
    customers_mode: 'disabled',
    is_unsorted_on: true,
    mobile_feature_version: 0,
    is_loss_reason_enabled: true,
    is_helpbot_enabled: false,
    is_technical_account: false,
    contact_name_display_order: 1,
    ...(withValues.has('amojo_id') ? { amojo_id: account.amojoId } : {}),
    _links: { self: { href: `https://${account.subdomain}.${account.domain}/api/v4/account` } },
  };
}
