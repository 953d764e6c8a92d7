/** The closed unions an alert is made of. */

/** STATION_OFFLINE: a station that had reported went silent (docs/rules.md, "Offline stations"); no metrics rule raises it. */
export const ALERT_TYPES = [
  'LOW_INVENTORY',
  'CHARGER_DOWN',
  'HIGH_DEMAND',
  'FAULT_PATTERN',
  'STATION_OFFLINE',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** RESOLVED: the condition cleared (or an operator ended the incident) before anyone decided. */
export const ALERT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * Why an operator rejected an alert, beside the free-text reason. FALSE_ALARM is the one that counts
 * against a rule's precision (docs/rules.md, "Rule statistics"); a rejection without a code is OTHER.
 */
export const REJECTION_CODES = [
  'FALSE_ALARM',
  'ALREADY_HANDLED',
  'DUPLICATE',
  'MAINTENANCE',
  'OTHER',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];
export const DEFAULT_REJECTION_CODE: RejectionCode = 'OTHER';
