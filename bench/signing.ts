import { createHash, createHmac, randomBytes } from 'node:crypto';
import { signRequest } from '../src/amojo/sign-request';
import { signWebhook } from '../src/amojo/sign-webhook';
import { verifyWebhook } from '../src/amojo/verify-webhook';
import { measurePair } from './measure';

/** Signing cost of one 1 KB request against the bare crypto it cannot avoid (MD5 + HMAC-SHA1 of the same bytes). */
export function benchSigning(): string[] {
  // Exactly 1 KB of JSON: 12 + 1010 + 2 bytes.
  const body = Buffer.from(`{"payload":"${randomBytes(505).toString('hex')}"}`);
  const secret = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
  const path = '/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81';
  const date = new Date();

  const sign = measurePair(
    () => signRequest({ method: 'POST', path, body, secret, date }),
    () => {
      const md5 = createHash('md5').update(body).digest('hex');
      return createHmac('sha1', secret)
        .update(`POST\n${md5}\napplication/json\n${date.toUTCString()}\n${path}`)
        .digest('hex');
    },
  );
  const signature = signWebhook(body, secret);
  const verify = measurePair(
    () => verifyWebhook({ body, signature, secrets: [secret] }),
    () => createHmac('sha1', secret).update(body).digest('hex') === signature,
  );
  const row = (name: string, m: ReturnType<typeof measurePair>, base: string) =>
    `${name.padEnd(34)} ${m.subject.nsPerOp.toFixed(0).padStart(7)} ns/op   ${base.padEnd(30)} ${m.baseline.nsPerOp.toFixed(0).padStart(7)} ns/op   ratio ${m.ratio.toFixed(2)}`;
  return [
    `signing (body ${body.length} B, median of 9 interleaved rounds x 20,000)`,
    row('signRequest (1 KB)', sign, 'bare md5 + hmac-sha1'),
    row('verifyWebhook (1 KB, 1 secret)', verify, 'bare hmac-sha1 + ==='),
  ];
}
