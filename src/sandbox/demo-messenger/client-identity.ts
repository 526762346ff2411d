/** Digits of a phone number, however it was written (`+7 (900) 123-45-67` -> `79001234567`). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/**
 * The messenger's ids for the client with this number: one user and one conversation per number, so a client who
 * writes again, or a manager who writes first to that number, lands in the same conversation.
 */
export function clientIdentity(phone: string): { conversationId: string; clientId: string } {
  const digits = phoneDigits(phone);
  return { conversationId: `conv-${digits}`, clientId: `client-${digits}` };
}
