/** The hidden input behind the manifest's `custom` settings field: what it holds is what Save persists. */
export interface SettingsField {
  read(): string;
  write(value: string): void;
}
