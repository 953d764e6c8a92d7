import { ApiError, api } from './api';
import { usePoll } from './live';
import { duration, precisionText, type RuleStatsRow, rejectionsText, worstPrecisionFirst } from './model';

interface RuleStatsReport {
  from: string;
  to: string;
  rules: RuleStatsRow[];
}

const loadRuleStats = async (): Promise<RuleStatsReport | 'unavailable'> => {
  try {
    return await api<RuleStatsReport>('/rules/stats');
  } catch (error) {
    // An API from before rule statistics: say so instead of failing.
    if (error instanceof ApiError && error.status === 404) return 'unavailable';
    throw error;
  }
};

const time = (ms: number | null) => (ms === null ? '—' : duration(ms));

/** Each rule's precision from operators' decisions over the last 30 days, worst first (GET /rules/stats). */
export const RulesPage = () => {
  const { data, error } = usePoll(loadRuleStats, []);
  if (data === 'unavailable')
    return (
      <section>
        <h1>Rules</h1>
        <p role="note">
          Rule statistics are not available on this API: it has no <code>/rules/stats</code> route (404).
        </p>
      </section>
    );
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules</h1>
      <p>
        Precision is approved / (approved + rejected as FALSE_ALARM), for the alerts opened in the last 30
        days; worst first. Try a change with <code>ai-ops backtest</code> or <code>ai-ops rules suggest</code>
        .
      </p>
      {error && !data ? <p role="alert">Could not load rule statistics: {(error as Error).message}</p> : null}
      {data && data.rules.length === 0 ? <p>No alerts opened in the period.</p> : null}
      {data && data.rules.length > 0 ? (
        <table class="rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Severity</th>
              <th scope="col">Precision</th>
              <th scope="col">Opened</th>
              <th scope="col">Approved</th>
              <th scope="col">Rejected</th>
              <th scope="col">Undecided</th>
              <th scope="col">To decide</th>
              <th scope="col">To recover</th>
            </tr>
          </thead>
          <tbody>
            {worstPrecisionFirst(data.rules).map((rule) => (
              <tr key={`${rule.alertType}-${rule.severity}`}>
                <td>{rule.alertType}</td>
                <td>{rule.severity}</td>
                <td class="precision">{precisionText(rule.precision)}</td>
                <td>{rule.opened}</td>
                <td>{rule.approved}</td>
                <td>{rejectionsText(rule.rejected)}</td>
                <td>{rule.resolvedUndecided}</td>
                <td>{time(rule.medianTimeToDecideMs)}</td>
                <td>{time(rule.medianTimeToRecoverMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
