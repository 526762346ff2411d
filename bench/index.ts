import { benchBridgeAccept } from './bridge-accept';
import type { Check } from './check';
import { benchGrowth } from './growth/bench-growth';
import { benchIngress } from './ingress';
import { benchRelay } from './relay';
import { benchSigning } from './signing';
import { benchTransport } from './transport';

type Result = string[] | { lines: string[]; checks: Check[] };

// Each section measures itself against a baseline in the same run: these machines are noisy,
// so only the ratios are comparable between runs. `checked` sections report budgets that are ratios,
// which `npm run bench -- --check` compares (and exits 1 when one is missed); the rest only print.
const sections: Array<{ name: string; run: () => Result | Promise<Result>; checked: boolean; byDefault: boolean }> = [
  { name: 'signing', run: benchSigning, checked: false, byDefault: true },
  { name: 'transport', run: benchTransport, checked: true, byDefault: true },
  { name: 'webhook ingress', run: benchIngress, checked: true, byDefault: true },
  { name: 'relay', run: benchRelay, checked: true, byDefault: true },
  { name: 'bridge accept', run: benchBridgeAccept, checked: true, byDefault: true },
  // Seeds up to a million rows per database: minutes, so only when asked for (`npm run bench -- growth`) or checked.
  { name: 'growth', run: benchGrowth, checked: true, byDefault: false },
];
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.find((a) => !a.startsWith('--'));

const checks: Check[] = [];
for (const section of sections) {
  if (only ? !section.name.startsWith(only) : check ? !section.checked : !section.byDefault) continue;
  console.info(`\n== ${section.name} ==`);
  const result = await section.run();
  const lines = Array.isArray(result) ? result : result.lines;
  for (const line of lines) console.info(line);
  if (!Array.isArray(result)) checks.push(...result.checks);
}
if (check) {
  console.info('\n== check ==');
  for (const c of checks) {
    console.info(
      `${c.ok ? 'ok  ' : 'MISS'} ${c.name.padEnd(70)} ${c.figure.toFixed(2).padStart(8)}  budget ${c.budget.padEnd(8)} floor ${c.floor}`,
    );
  }
  const missed = checks.filter((c) => !c.ok).length;
  console.info(`${checks.length - missed} of ${checks.length} budgets met`);
  process.exit(missed > 0 ? 1 : 0);
}
process.exit(0);
