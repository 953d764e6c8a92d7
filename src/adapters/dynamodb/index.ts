/** The DynamoDB adapters of the domain ports, for the handlers and the local runtime to wire up. */
export { isAlertItem } from './alert-item';
export { DynamoAlertStore, type DynamoAlertStoreOptions } from './alert-store';
export { DynamoAuditStore, type DynamoAuditStoreOptions } from './audit-store';
export type { RetryPolicy, Sleep } from './backoff';
export { type DynamoDbClientConfig, dynamoDbDocumentClient } from './client';
export { MalformedItemError } from './item-fields';
export { DynamoLastSeenStore, type DynamoLastSeenStoreOptions } from './last-seen-store';
export { DynamoMetricStore, type DynamoMetricStoreOptions } from './metric-store';
export { DynamoSilenceStore, type DynamoSilenceStoreOptions } from './silence-store';
