import { access } from 'node:fs/promises';
import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Its Lambda-oriented flags minus three: --single-process ends the whole browser when a page closes, and
 * the page must meet the same-origin rules and CSP a real browser enforces.
 */
const UNWANTED = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/**
 * Headless Chromium for the console's browser tests: the build @sparticuz/chromium ships inside its npm
 * package (it needs only system libraries), else Debian's /usr/bin/chromium. Never a download at test
 * time (no `playwright install`).
 */
export const launchChromium = async (): Promise<Browser> => {
  try {
    const executablePath = await chromium.executablePath();
    return await playwright.launch({
      executablePath,
      args: chromium.args.filter((arg) => !UNWANTED.has(arg)),
      headless: true,
    });
  } catch (error) {
    const fallback = await access(DEBIAN_CHROMIUM).then(
      () => true,
      () => false,
    );
    if (!fallback) throw error;
    return playwright.launch({ executablePath: DEBIAN_CHROMIUM, headless: true });
  }
};
