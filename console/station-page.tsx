import { api } from './api';
import { ReadingsChart } from './chart';
import { InboxRows } from './inbox';
import { usePoll } from './live';
import { type Alert, inboxOrder, type Metric, type Page } from './model';

const loadStation = async (stationId: string) => {
  const id = encodeURIComponent(stationId);
  const [readings, alerts] = await Promise.all([
    api<Page<Metric>>(`/stations/${id}/metrics?limit=500`),
    api<Page<Alert>>(`/alerts?stationId=${id}&limit=100`),
  ]);
  return { metrics: readings.items, alerts: alerts.items };
};

/** A station exists only through its readings and alerts: with neither it is "not found". */
export const StationPage = ({ stationId }: { stationId: string }) => {
  const { data, error } = usePoll(() => loadStation(stationId), [stationId]);
  if (!data)
    return error ? (
      <p role="alert">Could not load the station: {(error as Error).message}</p>
    ) : (
      <p>Loading…</p>
    );
  if (data.metrics.length === 0 && data.alerts.length === 0)
    return (
      <section>
        <h1>Station not found</h1>
        <p>
          No readings and no alerts for <code>{stationId}</code>. <a href="#/">Back to the inbox</a>
        </p>
      </section>
    );
  return (
    <section aria-labelledby="station-title">
      <h1 id="station-title">Station {stationId}</h1>
      <ReadingsChart title="Last readings" metrics={data.metrics} />
      <h2>Alerts over time</h2>
      <InboxRows alerts={inboxOrder(data.alerts)} now={Date.now()} />
    </section>
  );
};
