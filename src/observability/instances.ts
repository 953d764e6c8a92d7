import { readObservabilityConfig } from './config';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { createTracer } from './tracer';

// Built once per process (module scope): Lambda reuses them across warm invocations, which is what
// the cold-start metric and the logger's cold_start field rely on.
export const observabilityConfig = readObservabilityConfig(process.env);
export const logger = createLogger(observabilityConfig);
export const metrics = createMetrics(observabilityConfig, logger);
export const tracer = createTracer(observabilityConfig);
