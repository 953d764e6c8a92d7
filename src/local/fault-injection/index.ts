export { type FaultProxy, type FaultProxyStats, startFaultProxy } from './proxy';
export {
  describeFaults,
  FAULT_KINDS,
  FAULT_SERVICES,
  type FaultKind,
  type FaultRates,
  type FaultService,
  FaultSpecError,
  parseFaultSpec,
} from './spec';
