import type { Alert, AlertType } from '../../../src/domain/types';

/** An approved alert as the dispatcher hands it to the workflow, with the rule engine's metadata shape. */
export const approvedAlert = (alertType: AlertType, overrides: Partial<Alert> = {}): Alert => ({
  alertId: `alert-${alertType.toLowerCase().replace('_', '-')}`,
  stationId: 'ST-007',
  alertType,
  severity: 'HIGH',
  status: 'APPROVED',
  title: `${alertType} at ST-007`,
  description: 'fixture',
  recommendedAction: 'fixture',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_060_000,
  occurrences: 1,
  lastSeenAt: 1_700_000_000_000,
  approvedAt: 1_700_000_060_000,
  approvedBy: 'operator-1',
  metadata: METADATA[alertType],
  ...overrides,
});

const METADATA: Record<AlertType, Record<string, unknown>> = {
  LOW_INVENTORY: {
    thresholds: { chargedBatteries: 5, depletionHours: 1 },
    observed: { chargedBatteries: 2, unchargedBatteries: 9, swapRate: 12, hoursOfStockLeft: 2 / 12 },
    triggeringTimestamps: [1_700_000_000_000],
  },
  CHARGER_DOWN: {
    thresholds: { uptimePercent: 90, minRecords: 2 },
    observed: { chargerUptime: 42, chargerHealth: 'down' },
    triggeringTimestamps: [1_699_999_940_000, 1_700_000_000_000],
  },
  HIGH_DEMAND: {
    thresholds: { swapRatePerHour: 30 },
    observed: { swapRate: [40, 48, 54] },
    triggeringTimestamps: [1_699_999_880_000, 1_699_999_940_000, 1_700_000_000_000],
  },
  FAULT_PATTERN: {
    thresholds: { highRecords: 3, criticalRecords: 5 },
    observed: { faultPattern: 'E42_OVERHEAT', faultPatterns: ['E42_OVERHEAT', 'E17_CONTACTOR'] },
    triggeringTimestamps: [1_699_999_880_000, 1_699_999_940_000, 1_700_000_000_000],
  },
  STATION_OFFLINE: {
    thresholds: { offlineAfterMs: 180_000 },
    observed: { lastSeenAt: 1_699_999_820_000, silentForMs: 180_000 },
  },
};
