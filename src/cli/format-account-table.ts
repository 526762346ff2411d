import type { AccountRow } from '../store/list-account-rows';

const COLUMNS = [
  'ACCOUNT',
  'SUBDOMAIN',
  'INSTALLATION',
  'AMOJO ID (BOUND)',
  'AMOJO ID (INSTALLATION)',
  'LINK',
  'LINKS',
  'LINK ID',
  'TITLE',
  'LINKED AT',
] as const;

/**
 * The `list` table: one padded row per account (LINK: its primary link; LINKS: how many live ones), `-` where there
 * is nothing, times in ISO UTC.
 */
export function formatAccountTable(rows: readonly AccountRow[]): string {
  const cells = rows.map((row) => [
    String(row.accountId),
    row.subdomain,
    row.installation,
    row.released ? 'released' : (row.boundAmojoId ?? '-'),
    row.installedAmojoId ?? '-',
    row.link,
    String(row.liveLinks),
    row.linkId ?? '-',
    row.title === null ? '-' : printable(row.title),
    row.linkedAt === null ? '-' : new Date(row.linkedAt).toISOString(),
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(COLUMNS), ...cells.map(render)].join('\n');
}

// Titles are typed by account admins: a newline, tab or escape sequence must not break the table or drive the
// operator's terminal.
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
