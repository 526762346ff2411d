import { z } from 'zod/mini';
import { phoneNumber } from '../phone-number';

const optional = z.exactOptional;

/** amoCRM ids are positive integers; anything past 2^53 could not be sent back exactly. */
const amocrmContactId = z.int().check(z.positive(), z.lte(Number.MAX_SAFE_INTEGER));

/**
 * `contact` on a client message or a history import: the amoCRM contact the messenger already knows the client as.
 * `{id}` binds the chat to that contact. `{phone, match: "existing"}` / `{email, match: "existing"}` look for one
 * existing contact with that phone or e-mail and bind only when exactly one is found; `match` is required so that a
 * later mode (creating a contact, say) can never be mistaken for this one. Exactly one of id, phone and email.
 * Stored on the conversation once; hints on later messages are ignored.
 */
export const bridgeContactHint = z
  .strictObject({
    id: optional(amocrmContactId),
    phone: optional(phoneNumber),
    email: optional(z.email().check(z.maxLength(254))),
    match: optional(z.literal('existing')),
  })
  .check(
    z.superRefine((hint, ctx) => {
      const given = [hint.id, hint.phone, hint.email].filter((v) => v !== undefined).length;
      if (given !== 1) {
        ctx.addIssue({ code: 'custom', path: ['id'], message: 'give exactly one of id, phone or email' });
        return;
      }
      if (hint.id !== undefined && hint.match !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['match'], message: 'must be omitted with id' });
      }
      if (hint.id === undefined && hint.match === undefined) {
        ctx.addIssue({ code: 'custom', path: ['match'], message: 'required with phone or email: "existing"' });
      }
    }),
  );

/**
 * What became of a conversation's contact hint. `none`: no hint (amoCRM's usual flow); `pending`: the binding is on
 * its way; `bound`: the chat is bound to `id`; `not_found`: no contact had the phone or e-mail (amoCRM made the
 * chat's contact itself, as for any new client); `ambiguous`: several did, and nothing was bound; `failed`: amoCRM
 * refused the binding (an unknown contact id, say); `crm`: a manager started the chat in amoCRM, already on a
 * contact, so the hint was not used.
 */
export const bridgeContactStates = ['none', 'pending', 'bound', 'not_found', 'ambiguous', 'failed', 'crm'] as const;
