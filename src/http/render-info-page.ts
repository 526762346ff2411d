import { escapeHtml } from './html-text';
import { packageVersion } from './package-version';

export interface InfoPageLink {
  readonly label: string;
  readonly url: string;
}

export interface InfoPage {
  /** What answers here, as the page's heading and title. */
  readonly name: string;
  /** The version shown; package.json's when not given. */
  readonly version?: string | undefined;
  /** Plain text after the version: "running in the sandbox", the channel id. */
  readonly detail?: string | undefined;
  /** A paragraph of plain text saying what the process does. */
  readonly about: string;
  readonly sections: readonly { readonly heading: string; readonly links: readonly InfoPageLink[] }[];
}

const list = (links: readonly InfoPageLink[]) =>
  links.map((link) => `<li><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></li>`).join('\n');

/**
 * The small page a process answers at `/`, so the URL `npm start` prints says what is there and where to go next
 * instead of 404. Every value is escaped: link labels and URLs come from configuration.
 */
export function renderInfoPage(page: InfoPage): string {
  const version = escapeHtml(page.version ?? packageVersion());
  const name = escapeHtml(page.name);
  const detail = page.detail === undefined ? '' : `, ${escapeHtml(page.detail)}`;
  const sections = page.sections
    .filter((section) => section.links.length > 0)
    .map((section) => `<h2>${escapeHtml(section.heading)}</h2>\n<ul>\n${list(section.links)}\n</ul>\n`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${name} ${version}</title>
<style>body{max-width:720px;margin:40px auto;padding:0 16px;font:15px/1.5 system-ui,sans-serif}</style>
</head>
<body>
<h1>${name}</h1>
<p>Version <span data-testid="version">${version}</span>${detail}.</p>
<p>${escapeHtml(page.about)}</p>
${sections}</body>
</html>
`;
}
