export { parseDuration } from './duration';
export { createFleet, type Fleet, type FleetOptions, MAX_STATIONS } from './fleet';
export { type HttpSenderOptions, httpSender, metricsEndpoint } from './http-sender';
export { INCIDENT_KINDS, type IncidentKind, RECURRING_FAULT } from './incidents';
export { fetchLocalToken, isLoopbackUrl, resolveToken, SIMULATOR_TOKEN_REQUEST } from './local-token';
export { mulberry32 } from './prng';
export { formatReport, type SimulationReport, type SimulationSettings } from './report';
export {
  type RequestFailure,
  type RunSimulatorOptions,
  runSimulator,
  type Send,
  type TickInfo,
} from './runner';
export { INCIDENT_PERIOD_MS } from './schedule';
export { SendError } from './send-error';
export { STATION_CAPACITY, stationId } from './station';
export type { SimulationSummary } from './summary';
