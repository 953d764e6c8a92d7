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
}

export const MEASURED: UnitFigures = {
  run: {
    benchmark: 'npm run bench:pipeline',
    date: 'pending',
    commit: 'pending',
    settings: 'pending',
    machine: 'pending',
  },
  perMetric: {
    writeUnits: 1,
    readUnits: 0,
    logBytes: 0,
    logLevel: 'INFO',
    functions: {},
  },
  perAlert: {
    created: { writeUnits: 0, readUnits: 0 },
    dispatched: { writeUnits: 0, readUnits: 0 },
    decided: { writeUnits: 0, readUnits: 0 },
    logBytes: 0,
    functions: {},
  },
  sweepBilledMs: 0,
};
