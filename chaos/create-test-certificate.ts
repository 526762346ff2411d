import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM file of the certificate: the backends trust it through NODE_EXTRA_CA_CERTS. */
  readonly certPath: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * A throwaway self-signed certificate for 127.0.0.1. Production refuses plain-http messenger webhooks, so the
 * messenger's proxy speaks https and the backends trust this certificate, and nothing else changes in them.
 */
export function createTestCertificate(dir: string): TestCertificate {
  const certPath = join(dir, 'messenger-cert.pem');
  const keyPath = join(dir, 'messenger-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}
