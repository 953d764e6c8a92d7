import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUser } from '../../src/cli/api-client';
import type { Alert } from '../../src/domain/types';
import { startConsoleProxy } from '../../src/local/console/proxy';
import { chargerDownMetric, LocalApi, outOfStockMetric } from './support/api';
import { launchChromium } from './support/browser';
import { runCli } from './support/cli';
import { type E2eRuntime, startE2eRuntime, until } from './support/runtime';

// The operator console in a real browser against one whole local runtime: one runtime and one Chromium
// for the file. Screenshots go to test-artifacts/console/ (git-ignored).

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
const MINUTE = 60_000;

let e2e: E2eRuntime;
let api: LocalApi;
let browser: Browser;
let station: string;
let reader: string;

beforeAll(async () => {
  [e2e, browser] = await Promise.all([startE2eRuntime({ stage: 'e2e' }), launchChromium()]);
  api = new LocalApi(e2e.runtime.url);
  [station, reader] = await Promise.all([
    api.token('console-station', { scopes: ['metrics/write'] }),
    api.token('console-reader', { scopes: ['alerts/read'] }),
  ]);
  await mkdir(ARTIFACTS, { recursive: true });
  // The functions' first runs load their code: warm the pipeline up, as a runtime that has been running is.
  await post([outOfStockMetric('CON-WARM', Date.now())]);
  await alertOf('CON-WARM', 'LOW_INVENTORY');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

const post = async (metrics: unknown[]) => {
  const reply = await api.post('/metrics', station, metrics);
  expect(reply.status).toBe(202);
};

const openConsole = async (
  hash: string,
  query = '',
  options: { frozenClock?: boolean } = {},
): Promise<Page> => {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  // A frozen clock stops the page's polling, so what it shows is what it loaded (the 409 test).
  if (options.frozenClock) await page.clock.install();
  await page.goto(`${e2e.runtime.url}/console/${query}${hash}`);
  return page;
};

const alertOf = (stationId: string, alertType: string): Promise<Alert> =>
  until(`the ${alertType} alert of ${stationId}`, async () => {
    const all = await api.allAlerts(reader, `stationId=${stationId}`);
    return all.find((a) => a.alertType === alertType);
  });

describe('the operator console', () => {
  let approved: Alert;

  it('shows a metric posted over HTTP as a new alert in the open inbox within 5 s, and says it is live', async () => {
    const page = await openConsole('#/?status=PENDING');
    await page.locator('[data-live="true"]').waitFor({ timeout: 10_000 });
    const now = Date.now();
    // Three readings a minute apart: the first raises LOW_INVENTORY, the others merge into it.
    const readings = [2, 1, 0].map((ago) => outOfStockMetric('CON-1', now - ago * MINUTE));
    const postedAt = Date.now();
    await post(readings);
    const row = page.locator('tr[data-status="PENDING"]', { hasText: 'CON-1' });
    await row.waitFor({ timeout: 5_000 });
    expect(Date.now() - postedAt).toBeLessThan(5_000);
    await expect.poll(() => row.locator('td').nth(4).textContent(), { timeout: 5_000 }).toBe('3');
    expect(await row.locator('.severity').textContent()).toBe('CRITICAL');
    expect(page.url()).toContain('status=PENDING');
    await page.screenshot({ path: join(ARTIFACTS, 'inbox.png') });

    // The runtime "goes away" for the page: it says it is not live.
    await page.route('**/alerts?*', (route) => route.abort());
    await page.locator('[data-live="false"]', { hasText: 'unreachable' }).waitFor({ timeout: 5_000 });
    await page.close();
  });

  it('charts the readings around the alert, and approving from the page fills the trace', async () => {
    approved = await alertOf('CON-1', 'LOW_INVENTORY');
    const page = await openConsole(`#/alerts/${approved.alertId}`);
    const chart = page.locator('[data-points]');
    await chart.waitFor();
    expect(await chart.getAttribute('data-points')).toBe('3');
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('figcaption').textContent()).toContain('threshold 5');

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved.' }).waitFor();
    for (const step of ['STEP_FUNCTION_STARTED', 'SNS_NOTIFICATION_SENT', 'STEP_FUNCTION_SUCCEEDED'])
      await page.locator(`.trace li[data-step="${step}"]`).waitFor({ timeout: 20_000 });
    const trace = await page.locator('.trace').textContent();
    expect(trace).toMatch(/executionArn arn:aws:states:/);
    expect(trace).toMatch(/messageId \S+/);
    await page.screenshot({ path: join(ARTIFACTS, 'alert.png'), fullPage: true });
    await page.close();
  });

  it('refuses a reject without a reason, and shows who decided first when the CLI won the race', async () => {
    await post([chargerDownMetric('CON-2', Date.now())]);
    const alert = await alertOf('CON-2', 'CHARGER_DOWN');
    const page = await openConsole(`#/alerts/${alert.alertId}`, '', { frozenClock: true });
    const reject = page.getByRole('button', { name: 'Reject' });
    await reject.waitFor();

    await reject.click();
    await page.locator('.field-error', { hasText: 'Choose a reason' }).waitFor();
    expect((await api.get<Alert>(`/alerts/${alert.alertId}`, reader)).body.status).toBe('PENDING');

    const cli = await runCli('alerts', 'approve', alert.alertId, '--endpoint', e2e.runtime.url);
    expect(cli.exitCode).toBe(0);
    await page.getByLabel('Reason').selectOption('FALSE_ALARM');
    await reject.click();
    const conflict = page.locator('.outcome-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`already approved by ${currentUser()}`);
    await page.close();
  });

  it('is read-only with a token that lacks alerts/decide', async () => {
    const page = await openConsole(`#/alerts/${approved.alertId}`, '?sub=viewer&scopes=alerts/read');
    await page.getByRole('note').filter({ hasText: 'alerts/decide' }).waitFor();
    for (const name of ['Approve', 'Reject', 'Resolve'])
      expect(await page.getByRole('button', { name }).isDisabled()).toBe(true);
    expect(await page.locator('.who').textContent()).toBe('viewer (read-only)');
    await page.close();
  });

  it('works through `ai-ops console`: the proxy adds the token, which the page never holds', async () => {
    const token = await api.token('proxied-viewer', { scopes: ['alerts/read'] });
    const proxy = await startConsoleProxy({ endpoint: e2e.runtime.url, token, port: 0 });
    try {
      const page = await browser.newPage({ locale: 'en-GB' });
      await page.goto(`${proxy.url}/console/#/alerts/${approved.alertId}`);
      await page.locator('.trace li[data-step="STEP_FUNCTION_SUCCEEDED"]').waitFor();
      expect(await page.locator('.who').textContent()).toBe('proxied-viewer (read-only)');
      // Evaluated in the page, where these globals exist (this file is compiled without the DOM's types).
      const stored = await page.evaluate(
        'JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie',
      );
      expect(String(stored)).not.toContain(token.slice(-20));
      await page.close();
      // Another origin's page cannot send the console's header without a preflight: the proxy refuses.
      expect((await fetch(`${proxy.url}/alerts`)).status).toBe(403);
    } finally {
      await proxy.close();
    }
  });
});
