import { normalizePhone } from '../../../contracts/phone-number';
import { createRequestIds } from './create-request-ids';
import { byId } from './el';
import { InboxApiError } from './inbox-api';
import { showFieldError } from './show-field-error';

export interface WriteFirstBody {
  readonly scopeId?: string;
  /** The "through number" the manager picked: a source's external id; absent for amoCRM's default. */
  readonly sourceExternalId?: string;
  readonly phone: string;
  readonly name?: string;
  readonly message: { readonly type: 'text'; readonly text: string };
  /** One per started conversation: a repeat (a double click, a retry) gets the first answer, not a second message. */
  readonly requestId?: string;
}

export interface WriteFirstFields {
  readonly scopeId: string;
  readonly sourceExternalId?: string;
  readonly phone: string;
  readonly name: string;
  readonly text: string;
}

export type WriteFirstField = 'phone' | 'name' | 'text';

export type WriteFirstChecked =
  | { readonly ok: true; readonly body: WriteFirstBody }
  | { readonly ok: false; readonly field: WriteFirstField; readonly error: string };

const international = 'use + and the country code, e.g. +79161234567';

/**
 * The form's values as the emulator's write-first input, or the first problem the manager can fix. The phone is
 * checked in E.164 form with the `+` required (a person's `8 916…` is a national number no messenger can reach);
 * the spaces, dashes and parentheses people type are dropped, so `+1 555 010 9999` goes as `+15550109999`.
 */
export function writeFirstBody(fields: WriteFirstFields): WriteFirstChecked {
  const typed = fields.phone.trim();
  if (typed === '') return { ok: false, field: 'phone', error: `Enter the client's phone number: ${international}.` };
  const phone = normalizePhone(typed);
  if (phone === null || !phone.startsWith('+')) {
    return {
      ok: false,
      field: 'phone',
      error: `"${typed}" is not a phone number in international form: ${international}.`,
    };
  }
  const text = fields.text.trim();
  if (text === '') return { ok: false, field: 'text', error: 'Write the first message.' };
  const name = fields.name.trim();
  return {
    ok: true,
    body: {
      ...(fields.scopeId === '' ? {} : { scopeId: fields.scopeId }),
      ...(fields.sourceExternalId ? { sourceExternalId: fields.sourceExternalId } : {}),
      phone,
      ...(name === '' ? {} : { name }),
      message: { type: 'text', text },
    },
  };
}

/** Which form field a refusal of the server names (`errors[].path`), if any. */
function fieldOfPath(paths: readonly string[]): WriteFirstField | null {
  const path = paths[0] ?? '';
  if (path === 'phone' || path === 'name') return path;
  return path.startsWith('message') ? 'text' : null;
}

/**
 * "Start a conversation by phone": checks the form, shows a problem beside the field it is about, and starts one
 * conversation per submit. The button is disabled while the start is in flight, and the request id makes a second
 * request that still gets through (Enter pressed twice, a retry) come back as the same conversation.
 */
export function wireWriteFirst(
  form: HTMLFormElement,
  scope: HTMLSelectElement,
  start: (body: WriteFirstBody) => Promise<void>,
): void {
  const fields: Readonly<Record<WriteFirstField, HTMLInputElement | HTMLTextAreaElement>> = {
    phone: byId<HTMLInputElement>('write-first-phone'),
    name: byId<HTMLInputElement>('write-first-name'),
    text: byId<HTMLTextAreaElement>('write-first-text'),
  };
  const line = byId('write-first-error');
  const send = byId<HTMLButtonElement>('write-first-send');
  const ids = createRequestIds();
  let busy = false;

  form.addEventListener('input', () => showFieldError(line, null, ''));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const checked = writeFirstBody({
      scopeId: scope.value,
      sourceExternalId: document.querySelector<HTMLSelectElement>('#write-first-source')?.value ?? '',
      phone: fields.phone.value,
      name: fields.name.value,
      text: fields.text.value,
    });
    if (!checked.ok) {
      showFieldError(line, fields[checked.field], checked.error);
      fields[checked.field].focus();
      return;
    }
    showFieldError(line, null, '');
    busy = true;
    send.disabled = true;
    start({ ...checked.body, requestId: ids.idFor(checked.body) })
      .then(
        () => {
          ids.settle();
          form.reset();
        },
        (error: unknown) => {
          const field = error instanceof InboxApiError ? fieldOfPath(error.paths) : null;
          showFieldError(
            line,
            field === null ? null : fields[field],
            error instanceof Error ? error.message : String(error),
          );
        },
      )
      .finally(() => {
        busy = false;
        send.disabled = false;
      });
  });
}
