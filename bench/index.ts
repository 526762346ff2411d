import { benchIngress } from './ingress';
import { benchRelay } from './relay';
import { benchSigning } from './signing';

// Each section measures itself against a baseline in the same run: these machines are noisy,
// so only the ratios are comparable between runs.
const sections: Array<[string, () => string[] | Promise<string[]>]> = [
  ['signing', benchSigning],
  ['webhook ingress', benchIngress],
  ['relay', benchRelay],
];
const only = process.argv[2];

for (const [name, run] of sections) {
  if (only && !name.startsWith(only)) continue;
  console.info(`\n== ${name} ==`);
  for (const line of await run()) console.info(line);
}
process.exit(0);
