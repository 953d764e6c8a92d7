/**
 * Messages between bench/pipeline.ts (which hosts the local runtime) and the load driver it runs as a
 * child process (bench/support/driver.ts). Every time is epoch milliseconds with sub-millisecond
 * precision (performance.timeOrigin + performance.now()), so times taken on either thread compare.
 */

export interface DriverSetup {
  /** Base URL of the local HTTP API. */
  url: string;
  /** Bearer token with the metrics/write scope, from POST /local/token. */
  token: string;
  dynamodbEndpoint: string;
  alertsTable: string;
  /** A table of the metrics table's shape nobody consumes, for the raw write ceiling. */
  rawTable: string;
  /** Prefix of every station id, so two runs against one database never share a station. */
  runId: string;
  /** How often the alert watcher reads the alerts table while probes are outstanding. */
  watchIntervalMs: number;
  /** Healthy background stations, read round robin. */
  stations: number;
}

/** Offered load on a fixed schedule: requests go out on time whatever earlier ones are doing. */
export interface OpenLoopCommand {
  kind: 'open-loop';
  label: string;
  /** Metrics per second offered. */
  rate: number;
  durationS: number;
  /** Metrics per request. */
  batch: number;
  /** One probe every this many requests (1: every request carries one). */
  probeEvery: number;
}

/** `concurrency` senders posting back to back: the most the API will take. */
export interface ClosedLoopCommand {
  kind: 'closed-loop';
  label: string;
  concurrency: number;
  durationS: number;
  batch: number;
  /** A probe goes out with the first request that starts after each multiple of this interval. */
  probeIntervalMs: number;
}

/** PutItem (batch 1) or BatchWriteItem (batch > 1) straight to DynamoDB Local, `concurrency` at a time. */
export interface RawPutsCommand {
  kind: 'raw-puts';
  label: string;
  concurrency: number;
  durationS: number;
  batch: number;
}

/** The alert watcher alone, reading for an alert that never comes: what watching costs DynamoDB Local. */
export interface WatchIdleCommand {
  kind: 'watch-idle';
  label: string;
  durationS: number;
}

export type DriverCommand = OpenLoopCommand | ClosedLoopCommand | RawPutsCommand | WatchIdleCommand;

export interface RequestSample {
  startedAt: number;
  /** Scheduled start (open loop); equals startedAt in a closed loop. */
  dueAt: number;
  endedAt: number;
  /** HTTP status; 0 when the request failed without an answer. */
  status: number;
  metrics: number;
}

export interface ProbeSample {
  stationId: string;
  /** The metric's timestamp (also its alert's triggeredAt). */
  timestamp: number;
  alertId: string;
  /** Start of the POST /metrics that carried it. */
  sentAt: number;
  /** When that POST answered. */
  answeredAt: number;
  status: number;
  /** First watcher read that found the alert row; undefined if it never appeared. */
  seenAt: number | undefined;
}

export interface WatcherStats {
  /** BatchGetItem rounds. */
  reads: number;
  /** Mean time of one round (a request and its answer), ms: with the interval, the resolution of seenAt. */
  meanReadMs: number;
  maxReadMs: number;
}

export interface LoadResult {
  kind: 'load';
  label: string;
  /** When the first request was due and when sending stopped. */
  startedAt: number;
  endedAt: number;
  requests: RequestSample[];
  probes: ProbeSample[];
  watcher: WatcherStats;
  /** CPU time of the driver process over the command (sending, watching). */
  driverCpuMs?: number;
}

export interface RawPutsResult {
  kind: 'raw-puts';
  label: string;
  items: number;
  requests: number;
  errors: number;
  elapsedMs: number;
  itemsPerSecond: number;
  meanRequestMs: number;
  driverCpuMs?: number;
}

export interface WatchIdleResult {
  kind: 'watch-idle';
  label: string;
  elapsedMs: number;
  watcher: WatcherStats;
  driverCpuMs?: number;
}

export type DriverReply =
  | { kind: 'ready' }
  | LoadResult
  | RawPutsResult
  | WatchIdleResult
  | { kind: 'error'; message: string; stack?: string };
