import type { ContactRecord } from './amocrm-emulator-types';

/** The emulator's two multitext fields; amoCRM gives each account its own ids, reads find them by `field_code`. */
const PHONE_FIELD = {
  field_id: 100_001,
  field_name: 'Phone',
  field_code: 'PHONE',
  field_type: 'multitext',
  enum_id: 200_001,
};
const EMAIL_FIELD = {
  field_id: 100_002,
  field_name: 'Email',
  field_code: 'EMAIL',
  field_type: 'multitext',
  enum_id: 200_011,
};

/** One contact as `GET /api/v4/contacts` lists it (crm-rest §5.4): PHONE / EMAIL as multitext values, enum WORK. */
export function buildContactBody(origin: string, contact: ContactRecord) {
  const field = ({ enum_id, ...meta }: typeof PHONE_FIELD, values: readonly string[]) =>
    values.length === 0 ? [] : [{ ...meta, values: values.map((value) => ({ value, enum_id, enum_code: 'WORK' })) }];
  const fields = [...field(PHONE_FIELD, contact.phones), ...field(EMAIL_FIELD, contact.emails)];
  const [firstName = '', ...rest] = contact.name.split(' ');
  return {
    id: contact.id,
    name: contact.name,
    first_name: firstName,
    last_name: rest.join(' '),
    responsible_user_id: contact.responsibleUserId,
    group_id: 0,
    created_by: contact.responsibleUserId,
    updated_by: contact.responsibleUserId,
    created_at: contact.createdAt,
    updated_at: contact.createdAt,
    closest_task_at: null,
    is_deleted: false,
    is_unsorted: false,
    // amoCRM sends null, not [], for a contact with no field filled in.
    custom_fields_values: fields.length === 0 ? null : fields,
    account_id: contact.accountId,
    _links: { self: { href: `${origin}/api/v4/contacts/${contact.id}` } },
    _embedded: { tags: [], companies: [] },
  };
}
