import { useState } from 'preact/hooks';
import { ApiError, api, canDecide } from './api';
import { usePoll } from './live';
import { ALERT_TYPES, localTime } from './model';

/** The silences API (issue 11): POST/GET /silences, DELETE /silences/{silenceId}. */
interface Silence {
  silenceId: string;
  stationId: string;
  alertTypes?: string[];
  startsAt?: number | string;
  endsAt: number | string;
  reason: string;
  createdBy?: string;
  matched?: number;
}

const when = (v: number | string | undefined) => (v === undefined ? '—' : localTime(v));

const loadSilences = async (): Promise<Silence[] | 'unavailable'> => {
  try {
    const body = await api<{ items?: Silence[] } | Silence[]>('/silences');
    return Array.isArray(body) ? body : (body.items ?? []);
  } catch (error) {
    // This API has no silences yet (an older deployment): say so instead of failing.
    if (error instanceof ApiError && error.status === 404) return 'unavailable';
    throw error;
  }
};

const HOURS = [1, 2, 4, 8, 24, 72];

export const SilencesPage = () => {
  const { data, error, reload } = usePoll(loadSilences, []);
  const [stationId, setStationId] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [hours, setHours] = useState('2');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const readOnly = !canDecide();

  if (data === 'unavailable')
    return (
      <section>
        <h1>Silences</h1>
        <p role="note">
          Silences are not available on this API: it has no <code>/silences</code> route (404).
        </p>
      </section>
    );

  const create = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!stationId.trim()) found.stationId = 'Name a station, or * for all.';
    if (!reason.trim()) found.reason = 'Say why.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      await api('/silences', {
        method: 'POST',
        body: JSON.stringify({
          stationId: stationId.trim(),
          ...(types.length ? { alertTypes: types } : {}),
          endsAt: new Date(Date.now() + Number(hours) * 3_600_000).toISOString(),
          reason: reason.trim(),
        }),
      });
      setMessage('Silence created.');
      setReason('');
      reload();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const fields: Record<string, string> = {};
        for (const f of ['stationId', 'alertTypes', 'endsAt', 'reason']) {
          const m = error.fieldMessage(f);
          if (m) fields[f === 'endsAt' ? 'duration' : f] = m;
        }
        setErrors(Object.keys(fields).length ? fields : { reason: error.message });
      } else setMessage(`Could not create the silence: ${(error as Error).message}`);
    }
  };
  const expire = async (silenceId: string) => {
    try {
      await api(`/silences/${encodeURIComponent(silenceId)}`, { method: 'DELETE' });
      setMessage('Silence expired.');
    } catch (error) {
      setMessage(`Could not expire it: ${(error as Error).message}`);
    }
    reload();
  };
  return (
    <section aria-labelledby="silences-title">
      <h1 id="silences-title">Silences</h1>
      {message ? <p role="status">{message}</p> : null}
      {error && !data ? <p role="alert">Could not load silences: {(error as Error).message}</p> : null}
      {readOnly ? (
        <p role="note">
          Read-only: your token lacks <code>alerts/decide</code>.
        </p>
      ) : null}
      <form class="silence-form" onSubmit={create} noValidate>
        <label>
          Station{' '}
          <input
            name="stationId"
            value={stationId}
            disabled={readOnly}
            onInput={(e) => setStationId(e.currentTarget.value)}
          />
        </label>
        {errors.stationId ? <span class="field-error">{errors.stationId}</span> : null}
        <fieldset disabled={readOnly}>
          <legend>Types (none: all)</legend>
          {ALERT_TYPES.map((t) => (
            <label key={t}>
              <input
                type="checkbox"
                checked={types.includes(t)}
                onChange={(e) =>
                  setTypes(e.currentTarget.checked ? [...types, t] : types.filter((x) => x !== t))
                }
              />{' '}
              {t}
            </label>
          ))}
        </fieldset>
        {errors.alertTypes ? <span class="field-error">{errors.alertTypes}</span> : null}
        <label>
          Duration{' '}
          <select
            name="duration"
            value={hours}
            disabled={readOnly}
            onChange={(e) => setHours(e.currentTarget.value)}
          >
            {HOURS.map((h) => (
              <option key={h} value={String(h)}>
                {h} h
              </option>
            ))}
          </select>
        </label>
        {errors.duration ? <span class="field-error">{errors.duration}</span> : null}
        <label>
          Reason{' '}
          <input
            name="reason"
            value={reason}
            disabled={readOnly}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        {errors.reason ? <span class="field-error">{errors.reason}</span> : null}
        <button type="submit" disabled={readOnly}>
          Silence
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">Station</th>
            <th scope="col">Types</th>
            <th scope="col">From</th>
            <th scope="col">Until</th>
            <th scope="col">Reason</th>
            <th scope="col">By</th>
            <th scope="col">Matched</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((s) => (
            <tr key={s.silenceId}>
              <td>{s.stationId}</td>
              <td>{s.alertTypes?.join(', ') || 'all'}</td>
              <td>{when(s.startsAt)}</td>
              <td>{when(s.endsAt)}</td>
              <td>{s.reason}</td>
              <td>{s.createdBy ?? '—'}</td>
              <td>{s.matched ?? 0}</td>
              <td>
                <button type="button" disabled={readOnly} onClick={() => void expire(s.silenceId)}>
                  Expire
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};
