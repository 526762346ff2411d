/**
 * The scope id amojo's connect is expected to answer: `<channel_id>_<account amojo id>`, as observed (chats-api.md
 * §1, [sbs]) and as the emulator does it. Used only to write the link before the connect, so hooks amojo sends at
 * once are accepted; whatever the connect answers then replaces it. Undefined without a channel id (tests).
 */
export function expectedScopeId(channelId: string | undefined, amojoId: string): string | undefined {
  return channelId === undefined ? undefined : `${channelId}_${amojoId}`;
}
