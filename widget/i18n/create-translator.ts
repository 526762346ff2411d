import type { CrmHost } from '../host/crm-host';
import type { MessageKey } from './message-keys';

export type MessageVars = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, vars?: MessageVars) => string;

/** Looks strings up in the host's current language file; a missing key shows itself, so a gap is visible, not blank. */
export function createTranslator(host: Pick<CrmHost, 'text'>): Translate {
  return (key, vars) => {
    const template = host.text(key) ?? key;
    if (vars === undefined) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = vars[name];
      return value === undefined ? match : String(value);
    });
  };
}
