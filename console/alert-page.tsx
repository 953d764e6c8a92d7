import { useState } from 'preact/hooks';
import { ApiError, api, canDecide } from './api';
import { ReadingsChart } from './chart';
import { SeverityBadge } from './inbox';
import { usePoll } from './live';
import {
  type Alert,
  type AuditEvent,
  alertWindow,
  deadlineText,
  decidedBy,
  localTime,
  type Metric,
  type Page,
  REJECT_REASONS,
  rejectReason,
  ruleThreshold,
  traceOf,
} from './model';

const when = (ms: number | undefined): string => (ms === undefined ? '—' : localTime(ms));

interface AlertView {
  alert: Alert;
  audit: AuditEvent[];
  metrics: Metric[];
}

const loadAlert = async (alertId: string): Promise<AlertView | 'not-found'> => {
  try {
    const alert = await api<Alert>(`/alerts/${encodeURIComponent(alertId)}`);
    const { from, to } = alertWindow(alert, Date.now());
    const [trail, readings] = await Promise.all([
      api<{ items: AuditEvent[] }>(`/alerts/${encodeURIComponent(alertId)}/audit`),
      api<Page<Metric>>(
        `/stations/${encodeURIComponent(alert.stationId)}/metrics?from=${from}&to=${to}&limit=500`,
      ),
    ]);
    return { alert, audit: trail.items, metrics: readings.items };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return 'not-found';
    throw error;
  }
};

type Outcome =
  | { kind: 'ok'; text: string }
  | { kind: 'conflict'; text: string }
  | { kind: 'error'; text: string };

const Decisions = ({ alert, onDone }: { alert: Alert; onDone: () => void }) => {
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [resolveNote, setResolveNote] = useState('');
  const [fieldError, setFieldError] = useState<{ field: string; message: string }>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const readOnly = !canDecide();
  const pending = alert.status === 'PENDING';

  const decide = async (action: 'approve' | 'reject' | 'resolve', body?: unknown) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await api(`/alerts/${alert.alertId}/${action}`, {
        method: 'POST',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      setOutcome({
        kind: 'ok',
        text: `${action === 'approve' ? 'Approved' : action === 'reject' ? 'Rejected' : 'Resolved'}.`,
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // Somebody else decided first: say who, from the alert as it is now.
        const now = await api<Alert>(`/alerts/${alert.alertId}`).catch(() => undefined);
        setOutcome({
          kind: 'conflict',
          text: `Not ${action === 'resolve' ? 'resolved' : 'decided'}: this alert was already ${now ? decidedBy(now) : (error.body.currentStatus ?? 'decided')}. (${error.message})`,
        });
      } else if (error instanceof ApiError && error.status === 400) {
        setFieldError({
          field: action === 'resolve' ? 'resolve' : 'text',
          message: error.fieldMessage('reason') ?? error.message,
        });
      } else setOutcome({ kind: 'error', text: `The ${action} failed: ${(error as Error).message}` });
    } finally {
      setBusy(false);
      onDone();
    }
  };

  const reject = (e: Event) => {
    e.preventDefault();
    const checked = rejectReason(code, note);
    if ('field' in checked) {
      setFieldError(checked);
      return;
    }
    setFieldError(undefined);
    void decide('reject', { reason: checked.reason, code: checked.code });
  };
  const resolve = (e: Event) => {
    e.preventDefault();
    if (!resolveNote.trim()) {
      setFieldError({ field: 'resolve', message: 'Say why you resolve it.' });
      return;
    }
    setFieldError(undefined);
    void decide('resolve', { reason: resolveNote.trim() });
  };
  const disabled = readOnly || busy;
  return (
    <section class="decisions" aria-labelledby="decide-title">
      <h2 id="decide-title">Decide</h2>
      {readOnly ? (
        <p class="read-only" role="note">
          Read-only: your token lacks the <code>alerts/decide</code> scope, so you can look but not decide.
        </p>
      ) : null}
      {outcome ? (
        <p role={outcome.kind === 'ok' ? 'status' : 'alert'} class={`outcome outcome-${outcome.kind}`}>
          {outcome.text}
        </p>
      ) : null}
      <div class="decision-forms">
        <button
          type="button"
          class="approve"
          disabled={disabled || !pending}
          onClick={() => void decide('approve')}
        >
          Approve
        </button>
        <form class="reject" onSubmit={reject} noValidate>
          <label>
            Reason{' '}
            <select
              name="reasonCode"
              value={code}
              disabled={disabled || !pending}
              onChange={(e) => setCode(e.currentTarget.value)}
              aria-invalid={fieldError?.field === 'code'}
            >
              <option value="">choose…</option>
              {REJECT_REASONS.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          {fieldError?.field === 'code' ? (
            <span class="field-error" role="alert">
              {fieldError.message}
            </span>
          ) : null}
          <label>
            Note{' '}
            <input
              name="reasonText"
              value={note}
              maxLength={900}
              disabled={disabled || !pending}
              onInput={(e) => setNote(e.currentTarget.value)}
              aria-invalid={fieldError?.field === 'text'}
            />
          </label>
          {fieldError?.field === 'text' ? (
            <span class="field-error" role="alert">
              {fieldError.message}
            </span>
          ) : null}
          <button type="submit" class="reject-button" disabled={disabled || !pending}>
            Reject
          </button>
        </form>
        <form class="resolve" onSubmit={resolve} noValidate>
          <label>
            Resolution{' '}
            <input
              name="resolveText"
              value={resolveNote}
              maxLength={1000}
              disabled={disabled || alert.resolvedAt !== undefined}
              onInput={(e) => setResolveNote(e.currentTarget.value)}
            />
          </label>
          {fieldError?.field === 'resolve' ? (
            <span class="field-error" role="alert">
              {fieldError.message}
            </span>
          ) : null}
          <button type="submit" class="resolve-button" disabled={disabled || alert.resolvedAt !== undefined}>
            Resolve
          </button>
        </form>
      </div>
    </section>
  );
};

export const AlertPage = ({ alertId }: { alertId: string }) => {
  const { data, error, reload } = usePoll(() => loadAlert(alertId), [alertId]);
  if (data === 'not-found')
    return (
      <section>
        <h1>Alert not found</h1>
        <p>
          No alert <code>{alertId}</code> (its trail may have expired). <a href="#/">Back to the inbox</a>
        </p>
      </section>
    );
  if (!data)
    return error ? <p role="alert">Could not load the alert: {(error as Error).message}</p> : <p>Loading…</p>;
  const { alert, audit, metrics } = data;
  const now = Date.now();
  const rows: [string, string][] = [
    ['Status', alert.status],
    ['Station', alert.stationId],
    ['Type', alert.alertType],
    ['Occurrences', String(alert.occurrences)],
    ['Raised (event time)', when(alert.createdAt)],
    ['Last seen', when(alert.lastSeenAt)],
    [
      'Deadline',
      alert.deadlineAt === undefined ? '—' : `${when(alert.deadlineAt)} (${deadlineText(alert, now)})`,
    ],
    ['Escalation level', String(alert.escalationLevel ?? 0)],
    ['Recommended action', alert.recommendedAction],
    ['Decision', alert.status === 'PENDING' ? '—' : decidedBy(alert)],
    ['Workflow execution', alert.stepFunctionExecutionArn ?? '—'],
    ['Workflow outcome', alert.remediation?.status ?? '—'],
    [
      'Resolved',
      alert.resolvedAt === undefined
        ? '—'
        : `${when(alert.resolvedAt)} by ${alert.resolvedBy ?? '?'}${alert.resolutionReason ? ` (${alert.resolutionReason})` : ''}`,
    ],
  ];
  return (
    <article aria-labelledby="alert-title" data-alert-id={alert.alertId}>
      <h1 id="alert-title">
        <SeverityBadge severity={alert.severity} /> {alert.title}
      </h1>
      <p>{alert.description}</p>
      <dl class="fields">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{k === 'Station' ? <a href={`#/stations/${encodeURIComponent(v)}`}>{v}</a> : v}</dd>
          </div>
        ))}
      </dl>
      <Decisions alert={alert} onDone={reload} />
      <ReadingsChart
        title="Readings around the alert"
        metrics={metrics}
        threshold={ruleThreshold(alert)}
        markAt={alert.createdAt}
      />
      <section aria-labelledby="trace-title">
        <h2 id="trace-title">Trace</h2>
        <ol class="trace">
          {traceOf(alert, audit).map((step, i) => (
            <li key={`${step.key}-${i}`} data-step={step.key} class={step.failed ? 'failed' : ''}>
              <strong>{step.title}</strong> <time>{when(step.at)}</time>
              <div class="detail">{step.detail}</div>
            </li>
          ))}
        </ol>
      </section>
      <details>
        <summary>Rule metadata</summary>
        <pre>{JSON.stringify(alert.metadata, null, 2)}</pre>
      </details>
    </article>
  );
};
