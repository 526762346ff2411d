import type { AccountSeed, UserSeed } from './amocrm-emulator-types';
import type { EmulatorContext } from './emulator-context';

/** A request that passed the token and the rate limit: whose account, which user, and the parsed URL. */
export interface ApiCall {
  readonly ctx: EmulatorContext;
  readonly request: Request;
  readonly url: URL;
  readonly account: AccountSeed;
  /** The token's user (the installation's granting user). */
  readonly caller: UserSeed;
  /** `https://<sub>.<domain>`, for `_links`. */
  readonly origin: string;
}
