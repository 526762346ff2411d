/** The start-up line: unmistakably a sandbox, where its data lives, and which production variables it ignores. */
export function sandboxBanner(dataDir: string, ignored: readonly string[]): string {
  const lines = [
    `*** SANDBOX MODE: offline amojo and amoCRM emulators with generated credentials; data in ${dataDir}. ` +
      'Not a production channel. ***',
  ];
  if (ignored.length > 0)
    lines.push(`    Ignored from the environment: ${ignored.join(', ')} (set SANDBOX=0 for production).`);
  return lines.join('\n');
}
