import { parseArgs } from 'node:util';
import { createDemoMessenger } from './create-demo-messenger';

const USAGE = `usage: npx tsx src/sandbox/demo-messenger/cli.ts [--port P (default 8091)] [--host H (default 127.0.0.1)]
  [--bridge-url URL (our backend, e.g. http://127.0.0.1:8080)] [--data-file PATH (keeps the settings)]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8091' },
        host: { type: 'string', default: '127.0.0.1' },
        'bridge-url': { type: 'string' },
        'data-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

if (values.help) {
  console.info(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);

const messenger = await createDemoMessenger({
  port,
  host: values.host,
  ...(values['bridge-url'] === undefined ? {} : { bridgeUrl: values['bridge-url'] }),
  ...(values['data-file'] === undefined ? {} : { dataFile: values['data-file'] }),
});
console.info(`demo messenger on ${messenger.url} (webhook URL: ${messenger.webhookUrl})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    messenger.close().then(() => process.exit(0));
  });
}
