import { describe, expect, it } from 'vitest';
import { limitsOf, observedOf } from '../../../src/domain/rule-metadata';
import { evaluateWindow } from '../../../src/rules';
import { metric } from '../../support/metric-factory';

describe('rule metadata, one typed record per alert type', () => {
  it('reads back what a rule wrote', () => {
    const reading = metric({ stationId: 'ST-1', timestamp: 1_000, chargedBatteries: 2, swapRate: 12 });
    const [fired] = evaluateWindow([reading], reading).filter((c) => c.alertType === 'LOW_INVENTORY');
    expect(fired).toBeDefined();
    const metadata = fired?.metadata ?? {};
    expect(observedOf('LOW_INVENTORY', metadata)).toMatchObject({ chargedBatteries: 2, swapRate: 12 });
    expect(limitsOf('LOW_INVENTORY', metadata)).toEqual({ chargedBatteries: 5, depletionHours: 1 });
  });

  it('is lenient with what older alerts carry: flat maps, series, unusable values', () => {
    expect(observedOf('HIGH_DEMAND', { observed: { swapRate: [40, 54] } }).swapRate).toBe(54);
    expect(observedOf('LOW_INVENTORY', { chargedBatteries: 3 }).chargedBatteries).toBe(3);
    expect(
      observedOf('CHARGER_DOWN', { observed: { chargerHealth: 'on fire' } }).chargerHealth,
    ).toBeUndefined();
  });

  it('lets the compiler reject a key the rule does not write', () => {
    const observed = observedOf('LOW_INVENTORY', {});
    // @ts-expect-error LOW_INVENTORY observes no fault pattern
    expect(observed.faultPattern).toBeUndefined();
  });
});
