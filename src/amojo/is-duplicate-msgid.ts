/**
 * amojo refuses a repeated `payload.msgid` with a 400 (chats-api §1.4) but documents no
 * error code for it, so the refusal is recognised by its text: it names msgid and says
 * it is a duplicate / already exists. The emulator answers in that shape too.
 */
export function isDuplicateMsgid(status: number | undefined, details: unknown): boolean {
  if (status !== 400 || details === undefined) return false;
  const text = (typeof details === 'string' ? details : JSON.stringify(details)).toLowerCase();
  return text.includes('msgid') && /duplicat|already (exists|used|sent)/.test(text);
}
