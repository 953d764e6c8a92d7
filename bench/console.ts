/**
 * The operator console's figures: what the browser downloads (all the page's JS and CSS, gzipped), how
 * long the inbox takes to render 1,000 alerts in Chromium, and how long a metric POST takes to show as a
 * row in an open inbox (p50 over 20 alerts, against a whole local runtime: ingest, stream, evaluator,
 * then the page's next poll).
 * Run: npm run bench:console   (builds the console first; the last line is one JSON object)
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIST, consoleFiles } from '../src/local/console/files';
import { LocalApi, outOfStockMetric } from '../test/e2e/support/api';
import { launchChromium } from '../test/e2e/support/browser';
import { startE2eRuntime } from '../test/e2e/support/runtime';
import { percentile } from './support/stats';

const TARGETS = { bundleKbGzip: 150, inboxRenderMs: 500, liveLatencyMs: 2000 };
const INBOX_ALERTS = 1000;
const LIVE_ALERTS = 20;
const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

const bundleKbGzip = async (): Promise<number> => {
  let bytes = 0;
  for (const name of await readdir(CONSOLE_DIST))
    if (/\.(js|css)$/.test(name))
      bytes += gzipSync(await readFile(join(CONSOLE_DIST, name)), { level: 9 }).length;
  return Math.round((bytes / 1024) * 10) / 10;
};

/** 1,000 PENDING alerts from a stand-in API, in pages of 100 as the real one pages them. */
const fakeAlerts = Array.from({ length: INBOX_ALERTS }, (_, i) => ({
  alertId: `00000000-0000-5000-8000-${String(i).padStart(12, '0')}`,
  stationId: `STATION_${String(i % 250).padStart(3, '0')}`,
  alertType: 'LOW_INVENTORY',
  severity: SEVERITIES[i % 4],
  status: 'PENDING',
  title: `alert ${i}`,
  description: 'benchmark alert',
  recommendedAction: 'Dispatch a battery delivery to the station.',
  createdAt: Date.now() - i * 1000,
  updatedAt: Date.now() - i * 1000,
  occurrences: 1 + (i % 5),
  lastSeenAt: Date.now() - i * 1000,
  deadlineAt: Date.now() + 600_000 - i * 1000,
  escalationLevel: i % 3,
  metadata: {},
}));

const inboxRenderMs = async (browser: Awaited<ReturnType<typeof launchChromium>>): Promise<number> => {
  const files = await consoleFiles({ mode: 'proxy', sub: 'bench', scopes: ['alerts/read', 'alerts/decide'] });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const file = files(request.method ?? 'GET', url.pathname);
    if (file) {
      response.writeHead(file.statusCode, file.headers);
      response.end(file.body);
      return;
    }
    const pending = url.searchParams.get('status') === 'PENDING';
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const items = pending ? fakeAlerts.slice(start, start + 100) : [];
    const next = pending && start + 100 < INBOX_ALERTS ? String(start + 100) : null;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items, nextCursor: next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const times: number[] = [];
  try {
    for (let run = 0; run < 5; run++) {
      // bypassCSP: the measuring predicate is evaluated as a string, which the page's CSP forbids.
      const page = await browser.newPage({
        locale: 'en-GB',
        viewport: { width: 1280, height: 800 },
        bypassCSP: true,
      });
      await page.goto(`http://127.0.0.1:${port}/console/#/?status=PENDING`);
      // Evaluated in the page (this file is compiled without the DOM's types).
      await page.waitForFunction(
        `document.querySelectorAll('tr[data-alert-id]').length === ${INBOX_ALERTS}`,
        undefined,
        {
          polling: 'raf',
        },
      );
      // From the last page of alerts arriving to the rows in the document.
      const ms = Number(
        await page.evaluate(`performance.now() - Math.max(...performance.getEntriesByType('resource')
          .filter((e) => e.name.includes('/alerts?')).map((e) => e.responseEnd))`),
      );
      times.push(ms);
      await page.close();
    }
  } finally {
    server.close();
  }
  return Math.round(percentile(times, 50));
};

const liveLatencyMs = async (browser: Awaited<ReturnType<typeof launchChromium>>): Promise<number[]> => {
  const e2e = await startE2eRuntime({ stage: 'bench' });
  try {
    const api = new LocalApi(e2e.runtime.url);
    const station = await api.token('bench-station', { scopes: ['metrics/write'] });
    const page = await browser.newPage({ locale: 'en-GB' });
    await page.goto(`${e2e.runtime.url}/console/#/?status=PENDING`);
    await page.locator('[data-live="true"]').waitFor({ timeout: 30_000 });
    const post = (stationId: string) =>
      api.post('/metrics', station, [outOfStockMetric(stationId, Date.now())]);
    // The functions' first runs load their code: not what an operator with a running runtime waits for.
    await post('BENCH-WARM');
    await page.locator('tr', { hasText: 'BENCH-WARM' }).waitFor({ timeout: 30_000 });
    const latencies: number[] = [];
    for (let i = 0; i < LIVE_ALERTS; i++) {
      const stationId = `BENCH-LIVE-${i}`;
      const started = performance.now();
      await post(stationId);
      await page.locator('tr', { hasText: stationId }).waitFor({ timeout: 30_000 });
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await e2e.stop();
  }
};

const main = async (): Promise<void> => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const browser = await launchChromium();
  try {
    const bundle = await bundleKbGzip();
    const render = await inboxRenderMs(browser);
    const live = await liveLatencyMs(browser);
    const p50 = Math.round(percentile(live, 50));
    console.log(`bundle (JS + CSS, gzip)     ${bundle} KB   (target <= ${TARGETS.bundleKbGzip})`);
    console.log(
      `inbox render, ${INBOX_ALERTS} alerts   ${render} ms   (target <= ${TARGETS.inboxRenderMs}, median of 5)`,
    );
    console.log(
      `metric POST -> row visible  p50 ${p50} ms, p90 ${Math.round(percentile(live, 90))} ms, max ${Math.round(Math.max(...live))} ms   (target p50 <= ${TARGETS.liveLatencyMs}, ${LIVE_ALERTS} alerts)`,
    );
    console.log(
      JSON.stringify({
        bundleKbGzip: bundle,
        inboxRenderMs: render,
        liveLatencyMs: p50,
        liveLatencyP90Ms: Math.round(percentile(live, 90)),
        alerts: { inbox: INBOX_ALERTS, live: LIVE_ALERTS },
        targets: TARGETS,
      }),
    );
  } finally {
    await browser.close();
  }
};

await main();
