import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Captured, captureOutput } from './capture';
import { loadObservability } from './load';

const { LogMessage, logAlertCreated } = await loadObservability();

let out: Captured;
beforeEach(() => {
  out = captureOutput();
});
afterEach(() => out.restore());

describe('logAlertCreated', () => {
  it('writes the line the "latest alerts" widget and the per-station query filter on', () => {
    logAlertCreated({
      alertId: 'alert-9',
      stationId: 'station-3',
      alertType: 'CHARGER_DOWN',
      severity: 'CRITICAL',
    });

    expect(out.logs()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: LogMessage.AlertCreated,
        alertId: 'alert-9',
        stationId: 'station-3',
        alertType: 'CHARGER_DOWN',
        severity: 'CRITICAL',
      }),
    ]);
  });
});
