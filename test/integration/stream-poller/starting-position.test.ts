import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreamFixture, recordingHandler, type StreamFixture, settingsWith } from './support';

describe('stream poller: startingPosition', () => {
  let fx: StreamFixture;
  beforeEach(async () => {
    fx = await createStreamFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('LATEST skips the records written before start and delivers the ones after', async () => {
    await fx.putAlerts(['before0', 'before1']);
    const handler = recordingHandler();
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ startingPosition: 'LATEST' }),
    });
    await poller.start();
    await fx.putAlerts(['after0', 'after1']);
    await poller.idle();
    expect(handler.delivered()).toEqual(['after0', 'after1']);
  });

  it('TRIM_HORIZON delivers the records written before start too', async () => {
    await fx.putAlerts(['before0', 'before1']);
    const handler = recordingHandler();
    const poller = fx.poller({
      invoke: handler.invoke,
      settings: settingsWith({ startingPosition: 'TRIM_HORIZON' }),
    });
    await poller.start();
    await fx.putAlerts(['after0']);
    await poller.idle();
    expect(handler.delivered()).toEqual(['before0', 'before1', 'after0']);
  });
});
