import type { MessageRecord, ReactionRecord } from './emulator-types';

export interface ReactionChange {
  readonly userId: string;
  readonly by: ReactionRecord['by'];
  readonly type: 'react' | 'unreact';
  readonly emoji?: string;
  readonly at: number;
}

/** One reaction per user per message (amojo's unreact names no emoji): react replaces it, unreact removes it. */
export function setReaction(message: MessageRecord, change: ReactionChange): void {
  const index = message.reactions.findIndex((reaction) => reaction.userId === change.userId);
  if (index !== -1) message.reactions.splice(index, 1);
  if (change.type === 'react' && change.emoji !== undefined) {
    message.reactions.push({ userId: change.userId, by: change.by, emoji: change.emoji, at: change.at });
  }
}
