import { describe, expect, it } from 'vitest';
import { renderAlert, renderResolution } from '../../../src/cli/commands/alerts';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const alert = {
  alertId: 'a-1',
  stationId: 'ST-1',
  alertType: 'LOW_INVENTORY' as const,
  severity: 'HIGH' as const,
  status: 'APPROVED' as const,
  title: 't',
  description: 'd',
  recommendedAction: 'r',
  createdAt: T,
  updatedAt: T,
  occurrences: 4,
  lastSeenAt: T,
  approvedAt: T + 60_000,
  approvedBy: 'alice',
  resolvedAt: T + 60_000 + 12 * 60_000,
  resolvedBy: 'system',
  metadata: {},
};

describe('alerts show and resolve', () => {
  it('shows when the incident ended and the time to recover (resolvedAt - approvedAt)', () => {
    const shown = renderAlert(alert);
    expect(shown).toMatch(/resolved\s+2026-01-01 12:13:00 UTC by system/);
    expect(shown).toMatch(/recovered in\s+12.0 min/);
    expect(renderAlert({ ...alert, resolvedAt: undefined })).not.toContain('recovered in');
  });

  it('says how a resolve ended the incident, with its reason', () => {
    expect(
      renderResolution({
        ...alert,
        status: 'RESOLVED',
        resolvedBy: 'bob',
        resolutionReason: 'fixed on site',
      }),
    ).toBe('alert a-1 RESOLVED: incident ended at 2026-01-01 12:13:00 UTC by bob: fixed on site');
  });
});
