import './locale-guard';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AlertPage } from './alert-page';
import { canDecide, currentIdentity, notLiveReason, startSession } from './api';
import { Inbox } from './inbox';
import { useLiveState } from './live';
import { localTime, parseFilters } from './model';
import { RulesPage } from './rules-page';
import { SilencesPage } from './silences-page';
import { StationPage } from './station-page';
import './style.css';

/** Hash routes, so the static files need no server-side routing: #/?filters, #/alerts/ID, #/stations/ID, #/silences, #/rules. */
const useHash = (): [string, (hash: string) => void] => {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return [hash, (next) => (location.hash = next)];
};

const LiveIndicator = () => {
  const state = useLiveState();
  if (!state) return <span class="live live-unknown">connecting…</span>;
  return state.live ? (
    <span class="live live-on" data-live="true">
      Live · updated {localTime(state.at, 'time')}
    </span>
  ) : (
    <span class="live live-off" data-live="false" role="alert">
      Not live: {state.why}
    </span>
  );
};

const Route = ({ hash, navigate }: { hash: string; navigate: (h: string) => void }) => {
  const [path = '/', query = ''] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return <Inbox filters={parseFilters(query)} navigate={navigate} />;
  if (parts[0] === 'alerts' && parts[1]) return <AlertPage alertId={parts[1]} />;
  if (parts[0] === 'stations' && parts[1]) return <StationPage stationId={parts[1]} />;
  if (parts[0] === 'silences') return <SilencesPage />;
  if (parts[0] === 'rules') return <RulesPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing at <code>{hash}</code>. <a href="#/">Back to the inbox</a>
      </p>
    </section>
  );
};

const App = () => {
  const [hash, navigate] = useHash();
  const [session, setSession] = useState<'starting' | 'ready' | string>('starting');
  useEffect(() => {
    startSession().then(
      () => setSession('ready'),
      (error: unknown) => setSession(notLiveReason(error)),
    );
  }, []);
  const identity = currentIdentity();
  return (
    <>
      <header>
        <nav aria-label="Console">
          <a href="#/" class="brand">
            ai-ops console
          </a>
          <a href="#/?status=PENDING">Pending</a>
          <a href="#/">All alerts</a>
          <a href="#/silences">Silences</a>
          <a href="#/rules">Rules</a>
        </nav>
        <div class="session">
          {session === 'ready' ? (
            <span class="who">
              {identity.sub}
              {canDecide() ? '' : ' (read-only)'}
            </span>
          ) : null}
          <LiveIndicator />
        </div>
      </header>
      <main>
        {session === 'ready' ? (
          <Route hash={hash} navigate={navigate} />
        ) : session === 'starting' ? (
          <p>Signing in…</p>
        ) : (
          <p role="alert">Not signed in: {session}</p>
        )}
      </main>
    </>
  );
};

const root = document.getElementById('app');
if (root) render(<App />, root);
