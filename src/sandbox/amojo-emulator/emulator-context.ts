import type { HookEmitter } from './create-hook-emitter';
import type { EmulatorStore } from './emulator-store';

/** What every handler needs; built once by createAmojoEmulator. */
export interface EmulatorContext {
  readonly channelId: string;
  /** Default `title` of a connection when connect omits it (amojo uses the channel's registered name). */
  readonly channelTitle: string;
  readonly secret: string;
  readonly store: EmulatorStore;
  readonly hooks: HookEmitter;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Shape of `action.reaction` in reaction hooks; the docs' example and table disagree (chats-api §3.6 #7). */
  readonly reactionHookFormat: ReactionHookFormat;
}

export type ReactionHookFormat = 'msgid' | 'message';
