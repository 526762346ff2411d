import { signal } from '@preact/signals-core';

/** The slice of `navigator.clipboard` the panel uses; absent on plain-http pages and in old browsers. */
export interface ClipboardWriter {
  writeText(text: string): Promise<void>;
}

/** Copying the credentials through the clipboard; `copied` says whether the last attempt worked (null: none yet). */
export function createCopyModel(clipboard: ClipboardWriter | undefined) {
  const copied = signal<boolean | null>(null);
  return {
    copied,
    async copy(value: string) {
      try {
        if (clipboard === undefined) throw new Error('no clipboard');
        await clipboard.writeText(value);
        copied.value = true;
      } catch {
        copied.value = false;
      }
    },
    reset() {
      copied.value = null;
    },
  };
}

export type CopyModel = ReturnType<typeof createCopyModel>;
