/** Digits of a phone number, however it was written (`+7 (900) 123-45-67` -> `79001234567`). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/**
 * The messenger's ids for the client with this phone on one of its numbers: one user and one conversation per phone
 * and number, so a client who writes again, or a manager who writes first to that phone through that number, lands
 * in the same conversation. All the numbers of an account share one amojo scope, so the ids of every number but the
 * first carry the number's id: the same client writing to two numbers is two chats there, as on a real messenger.
 * The first number keeps the ids it always had (`conv-<digits>`), so its conversations survive the upgrade.
 */
export function clientIdentity(phone: string, numberId?: string): { conversationId: string; clientId: string } {
  const digits = phoneDigits(phone);
  const prefix = numberId === undefined ? '' : `${numberId}-`;
  return { conversationId: `conv-${prefix}${digits}`, clientId: `client-${prefix}${digits}` };
}
