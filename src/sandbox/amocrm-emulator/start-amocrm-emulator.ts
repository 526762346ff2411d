import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type AmocrmEmulator, type AmocrmEmulatorOptions, createAmocrmEmulator } from './create-amocrm-emulator';

export interface StartAmocrmEmulatorOptions extends AmocrmEmulatorOptions {
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface RunningAmocrmEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234: the backend's AMOCRM_API_BASE_URL for every account. */
  readonly url: string;
  readonly port: number;
  readonly emulator: AmocrmEmulator;
  close(): Promise<void>;
}

/** The emulator on a local port. The backend's URLs are options: the sandbox picks every port before starting. */
export async function startAmocrmEmulator(options: StartAmocrmEmulatorOptions): Promise<RunningAmocrmEmulator> {
  const emulator = createAmocrmEmulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: (request: Request) => emulator.handle(request) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    emulator,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
