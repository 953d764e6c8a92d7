import { describe, expect, it } from 'vitest';
import { itemToAlert } from '../../../src/adapters/dynamodb/alert-item';
import { MalformedItemError } from '../../../src/adapters/dynamodb/item-fields';
import { type Alert, alertSchema } from '../../../src/domain/alert';
import { MalformedAlertImageError, parseAlertImage } from '../../../src/use-cases/alert-image';

const alert: Alert = {
  alertId: 'a-1',
  stationId: 'ST-1',
  alertType: 'LOW_INVENTORY',
  severity: 'HIGH',
  status: 'APPROVED',
  title: 't',
  description: 'd',
  recommendedAction: 'r',
  createdAt: 1,
  updatedAt: 2,
  occurrences: 3,
  lastSeenAt: 4,
  approvedAt: 5,
  approvedBy: 'alice',
  remediation: { status: 'SUCCEEDED', completedAt: '2024-01-01T00:00:00Z' },
  metadata: { observed: { chargedBatteries: 1 } },
};

describe('the one Alert schema', () => {
  it('reads a stored row and a stream image alike, dropping what only the store keeps', () => {
    const stored = { ...alert, recordType: 'ALERT', ttl: 99 };
    expect(itemToAlert('alerts', stored)).toEqual(alert);
    expect(parseAlertImage(stored)).toEqual(alert);
  });

  it('names the wrong field, for the table and for the stream', () => {
    const broken = { ...alert, severity: 'URGENT' };
    expect(() => itemToAlert('alerts', broken)).toThrow(MalformedItemError);
    expect(() => itemToAlert('alerts', broken)).toThrow(/severity/);
    expect(() => parseAlertImage(broken)).toThrow(MalformedAlertImageError);
    expect(() => parseAlertImage(broken)).toThrow(/severity/);
  });

  it('loosened (as the CLI reads it), keeps the fields it does not know', () => {
    const fromNewerServer = { ...alert, somethingNew: 'kept' };
    expect(alertSchema.loose().parse(fromNewerServer)).toEqual(fromNewerServer);
    expect(alertSchema.parse(fromNewerServer)).toEqual(alert);
  });
});
