import { createHash } from 'node:crypto';

/** Ids that travel as they are; anything else (long, spaces, odd characters) is hashed. */
const PLAIN_ID = /^[A-Za-z0-9._@=+-]{1,80}$/;

/**
 * Our amojo `msgid` for a messenger message: the same messenger id always gives the same msgid, so a retried
 * request or a re-run job can never create a second message (amojo refuses a repeated msgid). The link id is part
 * of it because amojo's uniqueness is not documented as per-account, and two messengers may well both number their
 * messages from 1. Plain ids stay readable and can be read back (messengerIdFromMsgid); others are hashed.
 */
export function bridgeMsgid(linkId: string, messengerId: string): string {
  if (PLAIN_ID.test(messengerId)) return `${linkId}:${messengerId}`;
  const digest = createHash('sha256').update(linkId).update('\n').update(messengerId, 'utf8').digest('hex');
  return `${linkId}:#${digest.slice(0, 40)}`;
}

/** The messenger's id inside a msgid made by bridgeMsgid for this link; undefined when hashed or foreign. */
export function messengerIdFromMsgid(linkId: string, msgid: string | undefined): string | undefined {
  if (msgid === undefined) return undefined;
  const prefix = `${linkId}:`;
  if (!msgid.startsWith(prefix)) return undefined;
  const id = msgid.slice(prefix.length);
  return PLAIN_ID.test(id) ? id : undefined;
}
