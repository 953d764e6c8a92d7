/**
 * What one metric and one alert cost in this stack, measured by `npm run bench:pipeline` (DynamoDB units as
 * DynamoDB Local reported them through ReturnConsumedCapacity; Lambda time as the local runtime's handlers
 * ran, each invocation rounded up to the ms). Checked in with the run that produced them: rerun the
 * benchmark after a change to the data path and copy its last line's figures here (docs/scale.md).
 */
export interface FunctionUse {
  /** Invocations per metric (or per alert). */
  invocations: number;
  /** Billed ms per metric (or per alert). */
  billedMs: number;
}

export interface UnitFigures {
  run: { benchmark: string; date: string; commit: string; settings: string; machine: string };
  perMetric: {
    writeUnits: number;
    readUnits: number;
    /** Bytes of function log output (log lines and EMF metric lines) at LOG_LEVEL `logLevel`. */
    logBytes: number;
    logLevel: string;
    functions: Readonly<Record<string, FunctionUse>>;
  };
  perAlert: {
    /** Raised by the evaluator (alerts and audit tables). */
    created: { writeUnits: number; readUnits: number };
    /** The dispatcher's work on the new alert (approval notification, audit). */
    dispatched: { writeUnits: number; readUnits: number };
    /** Approved through the API, the remediation workflow run, its outcome recorded. */
    decided: { writeUnits: number; readUnits: number };
    logBytes: number;
    functions: Readonly<Record<string, FunctionUse>>;
  };
  /** Billed ms of one run of the scheduled sweep (sweepAlerts), as the benchmark's runs averaged. */
  sweepBilledMs: number;
  /**
   * Offline detection (STATION_OFFLINE), measured by `npm run bench:sweep`: the evaluator's heartbeats to
   * the last-seen table, in write units per station-hour (a heartbeat every 0.85 x offlineAfter whatever
   * the cadence, so per station, not per reading), and the read units of the sweep's DueIndex Query when
   * no station is due (what every scheduled run reads, whatever the fleet's size).
   */
  offline: { heartbeatWriteUnitsPerStationHour: number; idleSweepReadUnits: number };
}

export const MEASURED: UnitFigures = {
  run: {
    benchmark: 'npm run bench:pipeline',
    date: '2026-11-27',
    commit: 'ba41090',
    settings:
      'LOG_LEVEL=INFO BENCH_DURATION_S=30 BENCH_THROUGHPUT_S=0 BENCH_RAW_S=0 BENCH_IDLE_S=0 BENCH_WARMUP_S=5 (200 readings/s = 1,000 stations every 5 s; 6,000 readings, 600 alerts, 20 approved)',
    // Times are upper bounds: the runtime's functions and DynamoDB Local shared 2 cores with other suites.
    machine: '2 cores shared with three other test suites, load average 14.7-18.3',
  },
  perMetric: {
    writeUnits: 1,
    readUnits: 0.1328,
    logBytes: 857,
    logLevel: 'INFO',
    functions: {
      ingestMetrics: { invocations: 1, billedMs: 324.9665 },
      evaluateMetrics: { invocations: 0.0448, billedMs: 33.7788 },
    },
  },
  perAlert: {
    created: { writeUnits: 6, readUnits: 0 },
    dispatched: { writeUnits: 3, readUnits: 0 },
    decided: { writeUnits: 19.4, readUnits: 2.1 },
    logBytes: 2933,
    functions: {
      queryAlerts: { invocations: 0.05, billedMs: 37.45 },
      decideAlert: { invocations: 1, billedMs: 278.25 },
      dispatchAlertChange: { invocations: 0.3083, billedMs: 730.5633 },
      planRemediation: { invocations: 1, billedMs: 15.55 },
      recordWorkflowOutcome: { invocations: 1, billedMs: 96.6 },
    },
  },
  sweepBilledMs: 667.4,
  // bench:sweep, 2026-11-27 (docs/benchmarks.md), offlineAfter 3 min: 0.0958 write units per reading at
  // one reading every 5 s, 720 readings a station-hour.
  offline: { heartbeatWriteUnitsPerStationHour: 68.98, idleSweepReadUnits: 0.5 },
};
