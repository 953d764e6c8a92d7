import { api } from './api';
import { usePoll } from './live';
import {
  ALERT_TYPES,
  type Alert,
  applyFilters,
  deadlineText,
  duration,
  filtersQuery,
  type InboxFilters,
  inboxOrder,
  type Page,
  STATUSES,
} from './model';

/** Pages of /alerts this view reads at most (100 alerts each). */
const MAX_PAGES = 10;

const allPages = async (query: URLSearchParams): Promise<Alert[]> => {
  const alerts: Alert[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    if (cursor) query.set('cursor', cursor);
    const result: Page<Alert> = await api<Page<Alert>>(`/alerts?${query}`);
    alerts.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return alerts;
};

/** Every PENDING alert (they need a decision), plus the newest of the others when no status is chosen. */
const loadInbox = async (filters: InboxFilters): Promise<Alert[]> => {
  const base = (status: string, limit: number) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (status) q.set('status', status);
    if (filters.station) q.set('stationId', filters.station);
    return q;
  };
  if (filters.status) return allPages(base(filters.status, 100));
  const [pending, recent] = await Promise.all([
    allPages(base('PENDING', 100)),
    api<Page<Alert>>(`/alerts?${base('', 100)}`).then((p) => p.items),
  ]);
  const byId = new Map<string, Alert>();
  for (const alert of [...recent, ...pending]) byId.set(alert.alertId, alert);
  return [...byId.values()];
};

export const SeverityBadge = ({ severity }: { severity: string }) => (
  <span class={`severity severity-${severity.toLowerCase()}`}>{severity}</span>
);

export const InboxRows = ({ alerts, now }: { alerts: readonly Alert[]; now: number }) => (
  <table class="inbox">
    <caption class="sr-only">Alerts, those needing a decision first</caption>
    <thead>
      <tr>
        <th scope="col">Severity</th>
        <th scope="col">Status</th>
        <th scope="col">Station</th>
        <th scope="col">Type</th>
        <th scope="col">Occurrences</th>
        <th scope="col">Age</th>
        <th scope="col">Deadline</th>
        <th scope="col">Escalation</th>
        <th scope="col">Recommended action</th>
      </tr>
    </thead>
    <tbody>
      {alerts.map((a) => (
        <tr
          key={a.alertId}
          data-alert-id={a.alertId}
          data-status={a.status}
          class={`row-${a.status.toLowerCase()}`}
        >
          <td>
            <SeverityBadge severity={a.severity} />
          </td>
          <td>{a.status}</td>
          <td>
            <a href={`#/stations/${encodeURIComponent(a.stationId)}`}>{a.stationId}</a>
          </td>
          <td>
            <a href={`#/alerts/${a.alertId}`}>{a.alertType}</a>
          </td>
          <td>{a.occurrences}</td>
          <td>{duration(now - a.createdAt)}</td>
          <td
            class={
              a.deadlineAt !== undefined && a.deadlineAt < now && a.status === 'PENDING' ? 'overdue' : ''
            }
          >
            {deadlineText(a, now)}
          </td>
          <td>{a.escalationLevel ? `level ${a.escalationLevel}` : '—'}</td>
          <td>{a.recommendedAction}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const Inbox = ({ filters, navigate }: { filters: InboxFilters; navigate: (hash: string) => void }) => {
  const { data, error } = usePoll(() => loadInbox(filters), [filters.status, filters.station, filters.type]);
  const set = (change: Partial<InboxFilters>) => navigate(`#/${filtersQuery({ ...filters, ...change })}`);
  const shown = data ? inboxOrder(applyFilters(data, filters)) : [];
  const pending = shown.filter((a) => a.status === 'PENDING').length;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{' '}
          <select
            name="status"
            value={filters.status}
            onChange={(e) => set({ status: e.currentTarget.value as InboxFilters['status'] })}
          >
            <option value="">all statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Station{' '}
          <input
            name="station"
            value={filters.station}
            placeholder="any station"
            onChange={(e) => set({ station: e.currentTarget.value.trim() })}
          />
        </label>
        <label>
          Type{' '}
          <select name="type" value={filters.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            <option value="">all types</option>
            {ALERT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && !data ? (
        <p role="alert">Could not load alerts: {String((error as Error).message ?? error)}</p>
      ) : null}
      {data ? (
        <>
          <p class="summary" aria-live="polite">
            {shown.length} alerts, {pending} waiting for a decision
          </p>
          <InboxRows alerts={shown} now={Date.now()} />
        </>
      ) : (
        <p>Loading…</p>
      )}
    </section>
  );
};
