import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AmoCallbacks, AmoWidget } from '../../../widget/host/amo-types';
import { buildWidget } from './built-widget';
import { FakeAmoPage, type FakeAmoPageOptions } from './fake-amo-page';
import { type FakeAccount, FakeLinkBackend } from './fake-link-backend';
import { type AmdPage, loadAmdWidget } from './load-amd-widget';
import { type ListenerTracker, trackListeners } from './track-listeners';

export const testAccount: FakeAccount = {
  id: 31_415_926,
  subdomain: 'acme',
  amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec',
};

export type Lang = 'ru' | 'en' | 'es' | 'pt';

export interface SessionOptions extends Partial<Omit<FakeAmoPageOptions, 'window' | '$' | 'backend' | 'langs'>> {
  readonly backend?: FakeLinkBackend;
}

/** One amoCRM page with the built widget loaded through RequireJS, the fake backend, and DOM helpers. */
export class PanelSession {
  private constructor(
    readonly amd: AmdPage,
    readonly page: FakeAmoPage,
    readonly backend: FakeLinkBackend,
    readonly widget: AmoWidget & { callbacks: AmoCallbacks },
    readonly listeners: ListenerTracker,
    readonly langs: Record<string, Record<string, string>>,
  ) {}

  static async open(options: SessionOptions = {}): Promise<PanelSession> {
    const built = buildWidget();
    let listeners: ListenerTracker | null = null;
    const amd = await loadAmdWidget(built.dir, (window) => {
      listeners = trackListeners(window);
    });
    const lang: Lang = options.lang ?? 'en';
    const langs = JSON.parse(readFileSync(join(built.dir, 'i18n', `${lang}.json`), 'utf8'));
    const backend = options.backend ?? new FakeLinkBackend([options.account ?? testAccount]);
    const page = new FakeAmoPage({
      account: testAccount,
      // the archive's folder, as amoCRM serves it under /widgets/<code>: the page loads style.css from there
      path: pathToFileURL(built.dir).href,
      ...options,
      lang,
      langs,
      backend,
      window: amd.window,
      $: amd.$,
    });
    const widget = page.instantiate(amd.Widget);
    return new PanelSession(amd, page, backend, widget, listeners!, langs);
  }

  get window() {
    return this.amd.window;
  }

  /** The English (or current language) text at a dotted i18n path. */
  text(path: string, vars: Record<string, string | number> = {}): string {
    const [section = '', key = ''] = path.split('.');
    const template = this.langs[section]?.[key];
    if (template === undefined) throw new Error(`no i18n text at ${path}`);
    return template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m));
  }

  openSettings(context?: object) {
    return this.page.openSettings(this.widget, context);
  }

  /** The listed numbers' titles, in order. */
  numberTitles(): string[] {
    return [...(this.panel()?.querySelectorAll('.channel-link-widget__number h4') ?? [])].map(
      (h) => h.textContent ?? '',
    );
  }

  /** The list entry of the number with this title. */
  number(title: string): HTMLElement {
    const found = [...(this.panel()?.querySelectorAll<HTMLElement>('.channel-link-widget__number') ?? [])].find(
      (item) => item.querySelector('h4')?.textContent === title,
    );
    if (found === undefined) throw new Error(`no number "${title}" in the list`);
    return found;
  }

  /** The button with this i18n label inside the number with this title. */
  numberButton(title: string, path: string): HTMLButtonElement {
    const label = this.text(path);
    const found = [...this.number(title).querySelectorAll('button')].find((b) => b.textContent === label);
    if (found === undefined) throw new Error(`no button "${label}" for number "${title}"`);
    return found;
  }

  /** The pipeline select of the open form. */
  pipelineSelect(): HTMLSelectElement {
    return this.input('form.pipeline_label') as unknown as HTMLSelectElement;
  }

  panel(): HTMLElement | null {
    return this.window.document.querySelector<HTMLElement>('.channel-link-widget');
  }

  /** The panel's visible text. */
  panelText(): string {
    return this.panel()?.textContent ?? '';
  }

  /** The stylesheet links in the page head. */
  stylesheets(): HTMLLinkElement[] {
    return [...this.window.document.head.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')];
  }

  /** The button whose visible text is exactly this i18n string. */
  button(path: string): HTMLButtonElement {
    const label = this.text(path);
    const found = [...(this.panel()?.querySelectorAll('button') ?? [])].find((b) => b.textContent === label);
    if (found === undefined) throw new Error(`no button "${label}" in the panel`);
    return found;
  }

  hasButton(path: string): boolean {
    const label = this.text(path);
    return [...(this.panel()?.querySelectorAll('button') ?? [])].some((b) => b.textContent === label);
  }

  /** The input labelled with this i18n string. */
  input(path: string): HTMLInputElement {
    const label = this.text(path);
    const labelElement = [...(this.panel()?.querySelectorAll('label') ?? [])].find((l) => l.textContent === label);
    const input = labelElement === undefined ? null : this.window.document.getElementById(labelElement.htmlFor);
    if (input === null) throw new Error(`no input labelled "${label}"`);
    return input as HTMLInputElement;
  }

  type(path: string, value: string): void {
    const input = this.input(path);
    input.value = value;
    input.dispatchEvent(new this.window.Event('input', { bubbles: true }));
  }

  async giveConsent(): Promise<void> {
    this.input('consent.label').click();
    await this.settle();
  }

  /** Lets the fake backend, jQuery's Deferred and the panel's promises run to completion. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  /** Consent, then a link with these values; returns when the panel shows the result. */
  async link(webhookUrl = 'https://messenger.example.com/hooks/crm', title?: string): Promise<void> {
    await this.giveConsent();
    if (title !== undefined) this.type('form.title_label', title);
    this.type('form.webhook_label', webhookUrl);
    this.button('form.submit_link').click();
    await this.settle();
  }

  alerts(): string[] {
    return [...(this.panel()?.querySelectorAll('[role="alert"]') ?? [])].map((a) => a.textContent ?? '');
  }

  close(): void {
    this.window.close();
  }
}
