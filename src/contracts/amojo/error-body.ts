import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

/** One named problem, as produced by `formatIssues`: a dot path into the request body and a readable message. */
export const issueDetail = z.looseObject({ path: z.string(), message: z.string() });

/**
 * JSON body of an amojo 400. amojo does not document it; `{error_code, error_type, error_description}` is the shape a
 * working peer parses, so every field is optional and anything else is kept. It also reads the emulator's body below.
 * 403/404 come as text/plain (often empty) and never reach this schema.
 */
export const amojoErrorBody = z.looseObject({
  error_code: z.exactOptional(z.union([z.number(), z.string()])),
  error_type: z.exactOptional(z.string()),
  error_description: z.exactOptional(z.string()),
  errors: z.exactOptional(z.array(issueDetail)),
});

/** What the amojo emulator answers with a 400: amojo's inferred shape plus `errors` naming each bad field. */
export const emulatorErrorBody = z.strictObject({
  error_code: z.int(),
  error_type: nonEmptyString,
  error_description: z.string(),
  errors: z.exactOptional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
});
