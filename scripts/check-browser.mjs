// CI's question before the browser tests: does the Chromium that `npm ci` brought (@sparticuz/chromium)
// start on this machine? Exit 0 when it does, 1 when it does not (then .ci/run installs Debian's).
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

try {
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((arg) => arg !== '--single-process'),
    headless: true,
  });
  await browser.close();
  console.log('browser tests: the Chromium of @sparticuz/chromium starts');
} catch (error) {
  console.log(
    `browser tests: the Chromium of @sparticuz/chromium does not start (${String(error).split('\n')[0]})`,
  );
  process.exit(1);
}
