import autocannon from 'autocannon';
import { printResult } from './print-result';

// Posts `amount` client messages to the bridge, each with its own id, spread over `conversations` chats.
// argv[2]: JSON { url, apiKey, amount, connections, conversations, tag }
const { url, apiKey, amount, connections, conversations, tag } = JSON.parse(process.argv[2]!);
let counter = 0;

const result = await autocannon({
  url,
  connections,
  amount,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        counter += 1;
        const chat = counter % conversations;
        return {
          ...request,
          body: JSON.stringify({
            id: `${tag}-${process.pid}-${counter}`,
            conversation: { id: `${tag}-chat-${chat}` },
            sender: { id: `${tag}-user-${chat}`, name: `Client ${chat}` },
            message: { type: 'text', text: `Message ${counter}` },
          }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        };
      },
    },
  ],
});

printResult(result);
