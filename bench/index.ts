import { benchSigning } from './signing';

// Each section measures itself against a baseline in the same run: these machines are noisy,
// so only the ratios are comparable between runs.
const sections: Array<[string, () => string[] | Promise<string[]>]> = [['signing', benchSigning]];

for (const [name, run] of sections) {
  console.info(`\n== ${name} ==`);
  for (const line of await run()) console.info(line);
}
