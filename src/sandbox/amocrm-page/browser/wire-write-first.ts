import { byId } from './el';

export interface WriteFirstBody {
  readonly scopeId?: string;
  readonly phone: string;
  readonly name?: string;
  readonly message: { readonly type: 'text'; readonly text: string };
}

/** "Start a conversation by phone": the form's values become the emulator's write-first input. */
export function wireWriteFirst(
  form: HTMLFormElement,
  scope: HTMLSelectElement,
  start: (body: WriteFirstBody) => Promise<void>,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const field = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const name = field('write-first-name');
    void start({
      ...(scope.value === '' ? {} : { scopeId: scope.value }),
      phone: field('write-first-phone'),
      ...(name === '' ? {} : { name }),
      message: { type: 'text', text: field('write-first-text') },
    });
  });
}
