import type { ScenarioResult } from './run-scenario';

/** The results as a Markdown table, ready for the README; missed hooks and redeliveries in a notes column. */
export function formatChaosTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => {
    if (r.skipped !== undefined) return [r.scenario, r.db, String(r.instances), '-', '-', '-', '-', '-', r.skipped];
    const notes = [
      r.missedHooks > 0 ? `${r.missedHooks} hooks missed, ${r.missedArrived} of them arrived` : '',
      r.redelivered > 0 ? `${r.redelivered} redelivered (same event id)` : '',
      r.drainSeconds === undefined ? 'did not drain' : '',
    ].filter((n) => n !== '');
    return [
      r.scenario,
      r.db,
      String(r.instances),
      String(r.sent),
      String(r.lost),
      String(r.doubled),
      String(r.reordered),
      r.drainSeconds === undefined ? '-' : r.drainSeconds.toFixed(1),
      notes.join('; '),
    ];
  });
  const header = ['scenario', 'db', 'instances', 'sent', 'lost', 'doubled', 'reordered', 'drain s', 'notes'];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
