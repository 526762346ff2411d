import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './harness';

const OPENINGS = 20;

interface SandboxTiming {
  __sandbox: { settingsToVisibleMs: number | null };
}

// Issue 15's widget budget: the panel visible within one frame (16 ms, median of 20 openings) after settings(). A
// timing is printed, never asserted (timings do not belong in tests); what the test asserts is that each opening
// renders the linked account's numbers, so the figure is the real panel's and not an empty shell's.
describe('the settings panel opened again and again in a real browser', () => {
  let e2e: E2E;
  let crm: Page;

  beforeAll(async () => {
    e2e = await startE2E({ seedNumbers: true });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('shows the numbers every time and prints the median time from settings() to a visible panel', async () => {
    crm = await e2e.page(e2e.sandbox.urls.amocrm);
    const panel = crm.getByTestId('settings-modal');
    await panel.waitFor();
    await crm.getByLabel(/I agree that this widget sends/).check();
    await crm.getByRole('button', { name: 'Install', exact: true }).click();
    await expect
      .poll(async () => (await panel.textContent()) ?? '', { timeout: 20_000 })
      .toMatch(/Sales[\s\S]*Support/);
    await crm.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    const timings: number[] = [];
    for (let i = 0; i < OPENINGS; i++) {
      await crm.evaluate(() => {
        (window as unknown as SandboxTiming).__sandbox.settingsToVisibleMs = null;
      });
      await crm.getByTestId('widget-tile').click();
      await expect.poll(async () => (await panel.textContent()) ?? '').toMatch(/Sales[\s\S]*Support/);
      const visible = await crm.waitForFunction(
        () => (window as unknown as SandboxTiming).__sandbox.settingsToVisibleMs,
      );
      timings.push(Number(await visible.jsonValue()));
      await crm.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
    }

    expect(timings).toHaveLength(OPENINGS);
    const sorted = [...timings].sort((a, b) => a - b);
    const median = ((sorted[OPENINGS / 2 - 1] ?? 0) + (sorted[OPENINGS / 2] ?? 0)) / 2;
    console.info(
      `widget: settings() to visible panel, median of ${OPENINGS} openings ${median.toFixed(1)} ms ` +
        `(min ${sorted[0]?.toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)}; budget 16 ms)`,
    );
  });
});
