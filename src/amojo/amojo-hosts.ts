/** amojo is served per region; an account's region follows its CRM domain (chats-api §1.19). */
export const AMOJO_HOSTS = {
  ru: 'https://amojo.amocrm.ru',
  com: 'https://amojo.amocrm.com',
  kommo: 'https://amojo.kommo.com',
} as const;

export type AmojoRegion = keyof typeof AMOJO_HOSTS;

/** `acme.amocrm.ru` -> ru, `acme.amocrm.com` -> com, `acme.kommo.com` -> kommo; anything else is not an amoCRM host. */
export function regionOfAccountHost(host: string): AmojoRegion | null {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.endsWith('.amocrm.ru')) return 'ru';
  if (h.endsWith('.amocrm.com')) return 'com';
  if (h.endsWith('.kommo.com')) return 'kommo';
  return null;
}

/** `AMOJO_BASE_URL` (sandbox, tests) wins over the region's host for every region. */
export function amojoBaseUrl(region: AmojoRegion, override?: string): string {
  return (override || AMOJO_HOSTS[region]).replace(/\/+$/, '');
}
