/** Local Lambda event source mappings for DynamoDB streams; see docs/local-stream-pollers.md. */
export { type BatchContext, processBatch, processRecords } from './batch-processor';
export { type CheckpointStore, createMemoryCheckpointStore, SHARD_START } from './checkpoint-store';
export {
  buildDeadLetterEntry,
  createFileDeadLetter,
  type DeadLetterCondition,
  type DeadLetterEntry,
  type DeadLetterWriter,
} from './dead-letter';
export {
  checkpointFilePath,
  createFileCheckpointStore,
  type FileCheckpointStoreOptions,
} from './file-checkpoint-store';
export { matchesAnyFilter, matchesFilterPattern, validateFilterPattern } from './filter-pattern';
export { type StreamEntry, toStreamEntry } from './lambda-record';
export { eventSourceMappingsOf } from './mappings';
export {
  createStreamPoller,
  type StreamPoller,
  type StreamPollerOptions,
  type StreamPollerStatus,
} from './poller';
export { isTimeWindowEvent } from './tumbling-window';
export type {
  DynamoDBTimeWindowEvent,
  DynamoDBTimeWindowEventResponse,
  EventSourceMapping,
  FilterPattern,
  PollerLogger,
  StartingPosition,
  StreamInvoke,
  StreamMappingSettings,
  WindowState,
} from './types';
