import type { EmulatorContext } from './emulator-context';

/** Ends the channel's connection for an amoCRM account, if it has one; hooks and write-first stop with it. */
export function disconnectAccount(ctx: EmulatorContext, accountId: string): void {
  const connection = ctx.store.connections.get(`${ctx.channelId}_${accountId}`);
  if (connection?.connected) {
    connection.connected = false;
    connection.disconnectedAt = ctx.now().getTime();
  }
}
