import { type Cidr, parseCidrList } from './cidr';
import type { EgressPolicy } from './egress-policy';

/** EGRESS_ALLOW and MEDIA_HOSTS, parsed once at start-up. */
export interface EgressSettings {
  readonly allow: readonly Cidr[];
  /** Extra attachment hosts on top of DEFAULT_MEDIA_HOSTS. */
  readonly mediaHosts: readonly string[];
}

/** Where amojo hooks link files (chats-api.md §1.19: `https://amojo.amocrm.ru/attachments/...`), per region. */
export const DEFAULT_MEDIA_HOSTS = ['amojo.amocrm.ru', 'amojo.amocrm.com', 'amojo.kommo.com'] as const;

const hostPattern = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Parses both variables; throws naming the first bad entry. Blank or unset means none. */
export function parseEgressSettings(allow = '', mediaHosts = ''): EgressSettings {
  const hosts = mediaHosts
    .split(/[\s,]+/)
    .map((host) => host.toLowerCase().replace(/\.$/, ''))
    .filter((host) => host !== '');
  const bad = hosts.find((host) => !hostPattern.test(host));
  if (bad !== undefined) throw new Error(`"${bad}" is not a host name`);
  return { allow: parseCidrList(allow), mediaHosts: hosts };
}

/** What a config error says about each variable. */
export const EGRESS_SETTING_HINT = {
  allow: 'must be CIDRs separated by commas, e.g. 10.8.0.0/16,fd00::/8',
  mediaHosts: 'must be host names separated by commas, e.g. files.example.com,*.cdn.example',
} as const;

/** For a config schema's refine: true when parseEgressSettings would accept the value. */
export function isEgressSetting(kind: 'allow' | 'mediaHosts', value: string): boolean {
  try {
    if (kind === 'allow') parseEgressSettings(value);
    else parseEgressSettings('', value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The two policies of this process. Messenger webhooks: https to public addresses, plus EGRESS_ALLOW. Media: https
 * from the attachment hosts only (MEDIA_HOSTS adds some). The sandbox adds plain http to both, since its demo
 * messenger and amojo emulator serve http; their loopback addresses still have to come in through `allow`.
 */
export function egressPolicies(
  settings: EgressSettings,
  sandbox: boolean,
): { webhooks: EgressPolicy; media: EgressPolicy } {
  const protocols = sandbox ? (['https:', 'http:'] as const) : (['https:'] as const);
  return {
    webhooks: { protocols, allow: settings.allow },
    media: { protocols, allow: settings.allow, hosts: [...DEFAULT_MEDIA_HOSTS, ...settings.mediaHosts] },
  };
}
