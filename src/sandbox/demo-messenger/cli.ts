import { createCli } from '../create-cli';
import { startDemoMessenger } from './start-demo-messenger';

const USAGE = `usage: npx tsx src/sandbox/demo-messenger/cli.ts [--port P (default 8091)] [--host H (default 127.0.0.1)]
  [--bridge-url URL (our backend, e.g. http://127.0.0.1:8080)] [--data-file PATH (keeps the settings)]
  [--numbers ID,ID (the messenger's numbers, e.g. sales,support; one number "main" by default)]`;

const { values, port: parsePort } = createCli(USAGE, {
  port: { type: 'string', default: '8091' },
  host: { type: 'string', default: '127.0.0.1' },
  'bridge-url': { type: 'string' },
  'data-file': { type: 'string' },
  numbers: { type: 'string' },
});
const port = parsePort(values.port);

const messenger = await startDemoMessenger({
  port,
  host: values.host,
  ...(values['bridge-url'] === undefined ? {} : { bridgeUrl: values['bridge-url'] }),
  ...(values['data-file'] === undefined ? {} : { dataFile: values['data-file'] }),
  ...(values.numbers === undefined
    ? {}
    : {
        numbers: values.numbers
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== '')
          .map((id) => ({ id, label: id.charAt(0).toUpperCase() + id.slice(1) })),
      }),
});
const webhooks = messenger
  .numbers()
  .map((n) => `${n.id}: ${n.webhookUrl}`)
  .join(', ');
console.info(`demo messenger on ${messenger.url} (webhook URLs: ${webhooks})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    messenger.close().then(() => process.exit(0));
  });
}
