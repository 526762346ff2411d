import { AmojoError } from '../amojo/amojo-error';
import { RelayJobError } from './relay-job-error';

/**
 * An amojo failure as a job failure. `retryNotFound`: a 404 on delivery_status, react or edit usually means amojo
 * is still processing the message we name, so it is worth a later attempt (chats-api §5).
 */
export function amojoJobError(error: unknown, options: { retryNotFound?: boolean } = {}): unknown {
  if (!(error instanceof AmojoError)) return error;
  const retryable =
    error.retryable ||
    error.code === 'invalid_response' ||
    (options.retryNotFound === true && error.code === 'not_found');
  return new RelayJobError(`amojo_${error.code}`, { retryable, retryAfterMs: error.retryAfterMs, cause: error });
}
