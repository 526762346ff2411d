import { z } from 'zod/mini';
import { minLengthString } from './link-fields';

/**
 * The bridge credentials of a link. The backend returns them in plain text exactly once (on first link and on each
 * rotation) and keeps only what it needs to verify and sign afterwards.
 */
export const linkCredentialsSchema = z.object({
  /** The messenger sends it to the bridge API to authenticate. */
  api_key: minLengthString(24),
  /** The key the backend signs webhook deliveries to the messenger with. */
  signing_secret: minLengthString(32),
});

export type LinkCredentials = z.infer<typeof linkCredentialsSchema>;
