import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../harness/built-widget';
import { PanelSession, testAccount } from '../harness/panel-session';

let session: PanelSession;

beforeAll(() => {
  buildWidget();
}, 120_000);

afterEach(() => session?.close());

function select(s: PanelSession, value: string) {
  const element = s.pipelineSelect();
  element.value = value;
  element.dispatchEvent(new s.window.Event('change', { bubbles: true }));
}

describe('the list of numbers', () => {
  it('lists each number with its pipeline by name, connection, source state and failing deliveries', async () => {
    session = await PanelSession.open();
    const { backend } = session;
    backend.seed(testAccount, { title: 'Shop', pipeline_id: 3002 });
    backend.seed(testAccount, {
      title: 'Support',
      source: { state: 'failed', error: 'limit_exceeded' },
      delivery: { state: 'failing', failures: 3 },
    });
    backend.seed(testAccount, { title: 'Old', pipeline_id: 4040, source: { state: 'pending' } });
    session.openSettings();
    await session.giveConsent();

    expect(session.numberTitles()).toEqual(['Shop', 'Support', 'Old']);
    expect(session.panelText()).toContain(session.text('numbers.count', { count: 3, limit: 100 }));
    const shop = session.number('Shop').textContent;
    expect(shop).toContain(session.text('numbers.pipeline', { name: 'Wholesale' }));
    expect(shop).toContain(session.text('numbers.source_synced'));
    expect(shop).toContain(session.text('numbers.connected'));
    const support = session.number('Support').textContent;
    expect(support).toContain(session.text('numbers.pipeline', { name: session.text('numbers.main_pipeline') }));
    expect(support).toContain(session.text('numbers.source_failed'));
    // amoCRM's machine code stays out of the translated sentence; support still finds it on the line's title
    expect(support).not.toContain('limit_exceeded');
    const failed = [...session.number('Support').querySelectorAll('p')].find(
      (p) => p.textContent === session.text('numbers.source_failed'),
    );
    expect(failed?.getAttribute('title')).toBe('limit_exceeded');
    expect(support).toContain(session.text('status.delivery_failing'));
    // a pipeline the names do not list (archived since) shows its id rather than a wrong name
    expect(session.number('Old').textContent).toContain(session.text('numbers.pipeline', { name: '#4040' }));
    expect(session.number('Old').textContent).toContain(session.text('numbers.source_pending'));
    // every number's buttons are described by its title, so a screen reader tells them apart
    const edit = session.numberButton('Support', 'numbers.edit');
    expect(session.window.document.getElementById(edit.getAttribute('aria-describedby')!)?.textContent).toBe('Support');
    // nothing else is open: adding is one button away
    expect(session.hasButton('form.submit_link')).toBe(false);
    expect(session.hasButton('numbers.add')).toBe(true);
  });

  it('shows paused numbers when the installation is gone', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    session.backend.connected = false;
    session.openSettings();
    await session.giveConsent();
    expect(session.number('Shop').textContent).toContain(session.text('numbers.paused'));
    expect(session.panelText()).toContain(session.text('status.paused'));
    expect(session.panelText()).not.toContain(session.text('status.linked'));
  });
});

describe('adding and editing numbers', () => {
  it('adds a second number routed to a pipeline picked by name', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    session.openSettings();
    await session.giveConsent();
    session.button('numbers.add').click();
    expect(session.window.document.activeElement).toBe(session.input('form.title_label'));
    const options = [...session.pipelineSelect().options].map((o) => o.textContent);
    expect(options).toEqual([session.text('form.pipeline_main'), 'Sales', 'Wholesale']);
    session.type('form.title_label', 'Wholesale line');
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/wholesale');
    select(session, '3002');
    session.button('form.submit_link').click();
    await session.settle();

    const body = JSON.parse(session.page.ajaxCalls.at(-1)?.data ?? '');
    expect(body).toMatchObject({ title: 'Wholesale line', pipeline_id: 3002 });
    expect(session.numberTitles()).toEqual(['Shop', 'Wholesale line']);
    expect(session.number('Wholesale line').textContent).toContain(
      session.text('numbers.pipeline', { name: 'Wholesale' }),
    );
    // credentials once, named after the number they belong to
    expect(session.input('credentials.api_key').value).toMatch(/^ak_test_/);
    expect(session.panelText()).toContain(session.text('status.channel_title', { title: 'Wholesale line' }));
    expect(session.hasButton('form.submit_link')).toBe(false);
  });

  it('changes a number’s pipeline and webhook with a PUT, and marks a pipeline the backend refuses', async () => {
    session = await PanelSession.open();
    const shop = session.backend.seed(testAccount, { title: 'Shop' });
    session.openSettings();
    await session.giveConsent();
    session.numberButton('Shop', 'numbers.edit').click();
    expect(session.panelText()).toContain(session.text('form.edit_heading', { title: 'Shop' }));
    expect(session.input('form.webhook_label').value).toBe(shop.webhook_url);
    select(session, '3001');
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/new');
    // the pipeline was archived meanwhile: the backend refuses it and the select says so
    session.backend.pipelines = [{ id: 3002, name: 'Wholesale', is_main: true }];
    session.button('form.submit_update').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('errors.pipeline_not_found'));
    expect(session.pipelineSelect().getAttribute('aria-invalid')).toBe('true');
    // the select is described by its error too (the alert above names the reason), as text fields are
    const described = session.pipelineSelect().getAttribute('aria-describedby')!.split(' ');
    const texts = described.map((id) => session.window.document.getElementById(id)?.textContent);
    expect(texts).toContain(session.text('form.error_rejected'));
    expect(texts).toContain(session.text('form.pipeline_hint'));

    select(session, '3002');
    session.button('form.submit_update').click();
    await session.settle();
    const put = session.page.ajaxCalls.at(-1)!;
    expect(put).toMatchObject({ method: 'PUT', url: `http://127.0.0.1:8080/api/widget/links/${shop.id}` });
    expect(JSON.parse(put.data ?? '')).toEqual({
      title: 'Shop',
      webhook_url: 'https://messenger.example.com/hooks/new',
      time_window_disabled: false,
      pipeline_id: 3002,
    });
    expect(session.backend.links.get(shop.id)?.pipeline_id).toBe(3002);
    expect(session.panelText()).toContain(session.text('form.saved'));
  });

  it('closes the form without saving and gives focus back to Add', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    session.openSettings();
    await session.giveConsent();
    session.button('numbers.add').click();
    session.button('form.cancel').click();
    expect(session.hasButton('form.submit_link')).toBe(false);
    expect(session.window.document.activeElement).toBe(session.button('numbers.add'));
  });

  it('unlinks one number of two after confirmation with a DELETE on its path', async () => {
    session = await PanelSession.open();
    const shop = session.backend.seed(testAccount, { title: 'Shop' });
    session.backend.seed(testAccount, { title: 'Support' });
    session.openSettings();
    await session.giveConsent();
    session.numberButton('Shop', 'actions.unlink').click();
    expect(session.window.document.activeElement).toBe(session.button('actions.unlink_yes'));
    session.button('actions.unlink_yes').click();
    await session.settle();
    expect(session.page.ajaxCalls.at(-1)).toMatchObject({
      method: 'DELETE',
      url: `http://127.0.0.1:8080/api/widget/links/${shop.id}`,
    });
    expect(session.numberTitles()).toEqual(['Support']);
    expect(session.panelText()).toContain(session.text('actions.unlinked'));
    // another number remains, so no add form opens by itself
    expect(session.hasButton('form.submit_link')).toBe(false);
  });

  it('drops a number the backend no longer knows', async () => {
    session = await PanelSession.open();
    const shop = session.backend.seed(testAccount, { title: 'Shop' });
    session.backend.seed(testAccount, { title: 'Support' });
    session.openSettings();
    await session.giveConsent();
    session.backend.links.delete(shop.id);
    session.numberButton('Shop', 'actions.test').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('errors.link_not_found'));
    expect(session.numberTitles()).toEqual(['Support']);
  });

  it('says when the account has all the numbers it may link, and offers no Add', async () => {
    session = await PanelSession.open();
    session.backend.limit = 2;
    session.backend.seed(testAccount, { title: 'One' });
    session.backend.seed(testAccount, { title: 'Two' });
    session.openSettings();
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('numbers.limit', { limit: 2 }));
    expect(session.hasButton('numbers.add')).toBe(false);
    // unlinking one makes room again
    session.numberButton('One', 'actions.unlink').click();
    session.button('actions.unlink_yes').click();
    await session.settle();
    expect(session.hasButton('numbers.add')).toBe(true);
  });
  it('gives focus to the new number’s Edit when it was the last one allowed, as Add is gone', async () => {
    session = await PanelSession.open();
    session.backend.limit = 2;
    session.backend.seed(testAccount, { title: 'One' });
    session.openSettings();
    await session.giveConsent();
    session.button('numbers.add').click();
    session.type('form.title_label', 'Two');
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/two');
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.hasButton('numbers.add')).toBe(false);
    expect(session.window.document.activeElement).toBe(session.numberButton('Two', 'numbers.edit'));
  });
});

describe('a viewer who is not an admin', () => {
  it('sees the numbers read-only: no form, no actions, no webhook URLs', async () => {
    session = await PanelSession.open();
    const shop = session.backend.seed(testAccount, { title: 'Shop', pipeline_id: 3001 });
    session.backend.viewerIsAdmin = false;
    session.openSettings();
    await session.giveConsent();
    expect(session.numberTitles()).toEqual(['Shop']);
    expect(session.number('Shop').textContent).toContain(session.text('numbers.pipeline', { name: 'Sales' }));
    expect(session.panelText()).toContain(session.text('access.admin_only'));
    expect(session.panel()!.querySelectorAll('button')).toHaveLength(0);
    expect(session.panel()!.querySelector('input[type="text"], select')).toBeNull();
    expect(session.window.document.body.innerHTML).not.toContain(shop.webhook_url);
  });
});

describe('lead_sources', () => {
  it('onAddAsSource before the settings open: the next panel opens the add form with that pipeline', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    expect(session.widget.callbacks.onAddAsSource(3002)).toBe(true);
    session.openSettings();
    await session.giveConsent();
    expect(session.pipelineSelect().value).toBe('3002');
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/wholesale');
    session.button('form.submit_link').click();
    await session.settle();
    expect(JSON.parse(session.page.ajaxCalls.at(-1)?.data ?? '').pipeline_id).toBe(3002);
    // asked once: reopening the settings shows the list only
    session.widget.callbacks.destroy();
    session.page.closeSettings();
    session.openSettings();
    await session.giveConsent();
    expect(session.numberTitles()).toEqual(['Shop', 'Messenger']);
    expect(session.hasButton('form.submit_link')).toBe(false);
  });

  it('onAddAsSource while the panel is open switches it to the add form for that pipeline', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    session.openSettings();
    await session.giveConsent();
    expect(session.hasButton('form.submit_link')).toBe(false);
    session.widget.callbacks.onAddAsSource('3001');
    expect(session.pipelineSelect().value).toBe('3001');
  });

  it('settings with a source tile’s context open that number’s settings', async () => {
    session = await PanelSession.open();
    session.backend.seed(testAccount, { title: 'Shop' });
    const support = session.backend.seed(testAccount, { title: 'Support', pipeline_id: 3002 });
    session.openSettings({ source_id: support.source.id, external_id: support.id });
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('form.edit_heading', { title: 'Support' }));
    expect(session.pipelineSelect().value).toBe('3002');
    expect(session.number('Support').getAttribute('aria-current')).toBe('true');
    expect(session.number('Shop').getAttribute('aria-current')).toBeNull();
  });

  it('finds the number by source_id alone, and says so when no number owns the source', async () => {
    session = await PanelSession.open();
    const shop = session.backend.seed(testAccount, { title: 'Shop' });
    session.openSettings({ source_id: String(shop.source.id) });
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('form.edit_heading', { title: 'Shop' }));
    session.widget.callbacks.destroy();
    session.page.closeSettings();

    session.openSettings({ source_id: 999, external_id: '00000000-0000-4000-8000-999999999999' });
    await session.giveConsent();
    expect(session.alerts()).toContain(session.text('numbers.not_found'));
    expect(session.hasButton('form.submit_update')).toBe(false);
  });

  it('prefers external_id over source_id, and never takes a number whose source has no id yet', async () => {
    session = await PanelSession.open();
    const fresh = session.backend.seed(testAccount, { title: 'Fresh', source: { state: 'pending' } });
    const shop = session.backend.seed(testAccount, { title: 'Shop' });
    // external_id alone (a source amoCRM shows before we stored its id) finds its number
    session.openSettings({ external_id: fresh.id });
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('form.edit_heading', { title: 'Fresh' }));
    session.widget.callbacks.destroy();
    session.page.closeSettings();

    // external_id wins over a source_id that belongs to another number
    session.openSettings({ source_id: shop.source.id, external_id: fresh.id });
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('form.edit_heading', { title: 'Fresh' }));
    session.widget.callbacks.destroy();
    session.page.closeSettings();

    // an unknown external_id without source_id (another integration's source) is no number of ours
    session.openSettings({ external_id: 'widget-code-source' });
    await session.giveConsent();
    expect(session.alerts()).toContain(session.text('numbers.not_found'));
    expect(session.number('Fresh').getAttribute('aria-current')).toBeNull();
    expect(session.hasButton('form.submit_update')).toBe(false);
  });
});
