import { createCli } from '../create-cli';
import { startAmojoEmulator } from './start-amojo-emulator';

const USAGE = `usage: npm run amojo-emulator -- --channel-id ID --secret S --hook-url 'http://127.0.0.1:8080/amojo/webhook/:scope_id'
  [--port P (default 0: any free port)] [--host H (default 127.0.0.1)] [--hook-secret S (default: the channel secret)]
  [--channel-title T] [--bot-id UUID] [--manager-id UUID] [--reaction-hook-format msgid|message]`;

const {
  values,
  fail,
  port: parsePort,
} = createCli(USAGE, {
  port: { type: 'string', default: '0' },
  host: { type: 'string', default: '127.0.0.1' },
  'channel-id': { type: 'string' },
  secret: { type: 'string' },
  'hook-url': { type: 'string' },
  'hook-secret': { type: 'string' },
  'channel-title': { type: 'string' },
  'bot-id': { type: 'string' },
  'manager-id': { type: 'string' },
  'reaction-hook-format': { type: 'string' },
});
const channelId = values['channel-id'] ?? fail('--channel-id is required');
const secret = values.secret ?? fail('--secret is required');
const hookUrl = values['hook-url'] ?? fail('--hook-url is required');
const port = parsePort(values.port);
if (channelId.includes('_') || channelId.includes('/')) fail('--channel-id must not contain "_" or "/"');
const formatArg = values['reaction-hook-format'];
const format =
  formatArg === undefined || formatArg === 'msgid' || formatArg === 'message'
    ? formatArg
    : fail('--reaction-hook-format is msgid or message');

const emulator = await startAmojoEmulator({
  channelId,
  secret,
  hookUrl,
  port,
  host: values.host,
  ...(values['hook-secret'] === undefined ? {} : { hookSecret: values['hook-secret'] }),
  ...(values['channel-title'] === undefined ? {} : { channelTitle: values['channel-title'] }),
  ...(values['bot-id'] === undefined ? {} : { bot: { id: values['bot-id'] } }),
  ...(values['manager-id'] === undefined ? {} : { managers: [{ id: values['manager-id'], name: 'Sandbox Manager' }] }),
  ...(format === undefined ? {} : { reactionHookFormat: format }),
});

console.info(`amojo emulator listening on ${emulator.url}`);
console.info(`  channel ${channelId}; hooks to ${hookUrl}`);
console.info(
  `  manager ${emulator.managers[0]?.id}; bot ${emulator.bot.id}; control API at ${emulator.url}/_control/state`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
