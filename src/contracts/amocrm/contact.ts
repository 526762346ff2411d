import { z } from 'zod/mini';

/** A multitext field value as reads return it (crm-rest.md §5.4): PHONE and EMAIL are found by `field_code`. */
export const amocrmFieldValues = z.looseObject({
  field_id: z.optional(z.number()),
  field_code: z.optional(z.nullable(z.string())),
  values: z.array(z.looseObject({ value: z.union([z.string(), z.number(), z.boolean()]) })),
});

/** One contact of `GET /api/v4/contacts?query=…`; only what matching needs. */
export const amocrmContact = z.looseObject({
  id: z.number().check(z.int(), z.positive()),
  name: z.optional(z.nullable(z.string())),
  custom_fields_values: z.optional(z.nullable(z.array(amocrmFieldValues))),
});

export const amocrmContactList = z.looseObject({
  _embedded: z.looseObject({ contacts: z.array(amocrmContact) }),
});

/** `POST /api/v4/contacts/chats` answer (crm-rest.md §5.1); `id` is the binding's id and changes on re-binding. */
export const amocrmChatBindingList = z.looseObject({
  _embedded: z.looseObject({
    chats: z.array(
      z.looseObject({
        chat_id: z.string(),
        contact_id: z.number().check(z.int()),
        id: z.optional(z.number()),
      }),
    ),
  }),
});

export type AmocrmContact = z.infer<typeof amocrmContact>;
export type AmocrmChatBinding = z.infer<typeof amocrmChatBindingList>['_embedded']['chats'][number];
