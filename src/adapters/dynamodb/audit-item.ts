import {
  AUDIT_ACTION_TYPES,
  AUDIT_STATUSES,
  AUDIT_TTL_DAYS,
  type AuditEvent,
  ttlAfterDays,
} from '../../domain/types';
import type { KeyShape } from './cursor';
import { fieldReader, type Item } from './item-fields';

/** Key attributes of the table and of its indexes (an index's ExclusiveStartKey holds both). */
export const AUDIT_TABLE_KEY: KeyShape = { taskId: 'S' };
export const ALERT_INDEX = 'AlertIndex';
export const TIME_INDEX = 'TimeIndex';
export const TIME_INDEX_KEY: KeyShape = { taskId: 'S', actionType: 'S', timestamp: 'N' };

/** The stored row: the event itself, with the writer's TTL when the caller set none. */
export const auditToItem = (event: AuditEvent, now: number): Item => ({
  ...event,
  ttl: event.ttl ?? ttlAfterDays(now, AUDIT_TTL_DAYS),
});

export const itemToAudit = (table: string, item: Item): AuditEvent => {
  const f = fieldReader(table, item);
  const errorMessage = f.optionalString('errorMessage');
  const ttl = f.optionalNumber('ttl');
  return {
    taskId: f.string('taskId'),
    alertId: f.string('alertId'),
    actionType: f.oneOf('actionType', AUDIT_ACTION_TYPES),
    timestamp: f.number('timestamp'),
    userId: f.string('userId'),
    details: f.record('details'),
    status: f.oneOf('status', AUDIT_STATUSES),
    ...(errorMessage === undefined ? {} : { errorMessage }),
    ...(ttl === undefined ? {} : { ttl }),
  };
};
