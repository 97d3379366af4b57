// The application's frame: the header, notices about the connection, and one tab per view. The
// view is in the address (#status, #runsheet, …), so a monitor can be pointed at one and a
// reload keeps it. Everything shown comes from live subscriptions.
import { useCallback, useEffect, useState } from 'react';
import { Tabs } from 'radix-ui';
import { useSubscription } from './api/hooks';
import { useAppStore } from './state/app-store';
import { AlarmsView } from './views/alarms/AlarmsView';
import { Banners } from './views/Banners';
import { Header } from './views/Header';
import { AuditView } from './views/log/AuditView';
import { LogView } from './views/log/LogView';
import { NotesView } from './views/notes/NotesView';
import { RunSheetView } from './views/runsheet/RunSheetView';
import { SetupView } from './views/setup/SetupView';
import { Notifications } from './views/status/Notifications';
import { StatusView } from './views/status/StatusView';
import { Welcome } from './views/Welcome';

const VIEWS = [
  { id: 'status', label: 'Status' },
  { id: 'runsheet', label: 'Run sheet' },
  { id: 'notes', label: 'Notes' },
  { id: 'setup', label: 'Setup' },
  { id: 'log', label: 'Log' },
  { id: 'audit', label: 'Audit trail' },
  { id: 'alarms', label: 'Alarms' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

function viewFromHash(): ViewId {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return VIEWS.find((view) => view.id === hash)?.id ?? 'status';
}

function useView(): [ViewId, (view: ViewId) => void] {
  const [view, setView] = useState<ViewId>(viewFromHash);
  useEffect(() => {
    const follow = () => setView(viewFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const show = useCallback((next: ViewId) => {
    // A tab click replaces the address rather than adding to the history, so that the back
    // button does not step through every tab looked at. (Links to a view, such as the newest log
    // entries' "All entries" or a notification's "Show status", set the hash and so do add one.)
    window.history.replaceState(null, '', `#${next}`);
    setView(next);
  }, []);
  return [view, show];
}

export function App() {
  const theme = useAppStore((state) => state.theme);
  const { data: experiments } = useSubscription('experiments.list', {});
  const [view, showView] = useView();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const noExperiment = experiments !== undefined && experiments.length === 0;
  return (
    <div className="app">
      <Header experiments={experiments} />
      <Banners />
      <Tabs.Root className="views" value={view} onValueChange={(value) => showView(value as ViewId)} activationMode="manual">
        <Tabs.List className="view-tabs" aria-label="Views">
          {VIEWS.map(({ id, label }) => (
            <Tabs.Trigger key={id} value={id} className="view-tab">
              {label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        <main className="main">
          <Tabs.Content value="status">{noExperiment ? <Welcome onCreateOwn={() => showView('setup')} /> : <StatusView />}</Tabs.Content>
          <Tabs.Content value="runsheet">
            <RunSheetView />
          </Tabs.Content>
          <Tabs.Content value="notes">
            <NotesView />
          </Tabs.Content>
          <Tabs.Content value="setup">
            <SetupView />
          </Tabs.Content>
          <Tabs.Content value="log">
            <LogView />
          </Tabs.Content>
          <Tabs.Content value="audit">
            <AuditView />
          </Tabs.Content>
          <Tabs.Content value="alarms">
            <AlarmsView />
          </Tabs.Content>
        </main>
      </Tabs.Root>
      <Notifications />
    </div>
  );
}
