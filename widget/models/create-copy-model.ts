import { signal } from '@preact/signals-core';

/** The slice of `navigator.clipboard` the panel uses; absent on plain-http pages and in old browsers. */
export interface ClipboardWriter {
  writeText(text: string): Promise<void>;
}

export interface CopyResult {
  /** Which value was copied, e.g. the id of its input. */
  readonly target: string;
  readonly copied: boolean;
}

/** Copying a credential: through the clipboard when possible, otherwise the text is selected for Ctrl+C. */
export function createCopyModel(clipboard: ClipboardWriter | undefined) {
  const result = signal<CopyResult | null>(null);
  return {
    result,
    async copy(target: string, value: string, selectText: () => void) {
      try {
        if (clipboard === undefined) throw new Error('no clipboard');
        await clipboard.writeText(value);
        result.value = { target, copied: true };
      } catch {
        selectText();
        result.value = { target, copied: false };
      }
    },
    reset() {
      result.value = null;
    },
  };
}

export type CopyModel = ReturnType<typeof createCopyModel>;
