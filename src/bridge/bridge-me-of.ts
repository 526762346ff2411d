import type { BridgeMe } from '../contracts/bridge';
import type { BridgeLink } from './authenticate-bridge';

/** GET /bridge/v1/me: the link as its API key sees it, nothing secret (the key is only known as a hash). */
export function bridgeMeOf(link: BridgeLink): BridgeMe {
  return {
    title: link.title,
    account: { id: link.accountId, subdomain: link.subdomain, region: link.region },
    webhook_url: link.webhookUrl,
  };
}
