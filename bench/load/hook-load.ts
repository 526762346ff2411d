import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { printResult } from './print-result';

// Runs in its own process so the load generator never shares an event loop with the server under test.
// argv[2]: JSON { url, secret, accountId, connections, durationSeconds, tag }
const { url, secret, accountId, connections, durationSeconds, tag } = JSON.parse(process.argv[2]!);
let counter = 0;

function hookBody(): string {
  counter += 1;
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    account_id: accountId,
    time: now,
    message: {
      receiver: { id: 'c7f2b1de-5c0e-4a5a-9a6f-6c2a1f0e9b11', phone: '', email: '', client_id: 'client-1' },
      sender: { id: 'e1e2e3e4-1111-4222-8333-444455556666', name: 'Manager' },
      conversation: { id: 'b9b8b7b6-0000-4111-8222-333344445555', client_id: 'conv-1' },
      timestamp: now,
      msec_timestamp: now * 1000,
      message: {
        id: `${tag}-${process.pid}-${counter}`,
        type: 'text',
        text: 'Hello from the manager',
        markup: null,
        tag: '',
      },
    },
  });
}

const result = await autocannon({
  url,
  connections,
  duration: durationSeconds,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        const body = hookBody();
        return {
          ...request,
          body,
          headers: {
            'content-type': 'application/json',
            'x-signature': createHmac('sha1', secret).update(body).digest('hex'),
          },
        };
      },
    },
  ],
});

printResult(result);
