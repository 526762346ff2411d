import { z } from 'zod/mini';

// Imported first by the entry: zod decides at schema creation whether to compile parsers with `new Function`, and
// the marketplace forbids eval-like code, so this must run before any contract module builds its schemas.
z.config({ jitless: true });
