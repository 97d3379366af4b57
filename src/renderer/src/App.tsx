// The minimal control-room view: the active experiment, its setup, and the forms that change it.
// Everything shown comes from live subscriptions, so a change made anywhere appears here.
import { useEffect } from 'react';
import { useSubscription } from './api/hooks';
import { useAppStore } from './state/app-store';
import { AddEccServerForm } from './views/AddEccServerForm';
import { Banners } from './views/Banners';
import { CreateExperimentForm } from './views/CreateExperimentForm';
import { EasySetupForm } from './views/EasySetupForm';
import { Header } from './views/Header';
import { SetupTables } from './views/SetupTables';

function SetupSection() {
  const { data: setup, error, loading } = useSubscription('setup.get', {});
  if (loading) {
    return (
      <p className="loading" role="status">
        Loading the setup…
      </p>
    );
  }
  const errorNotice = error ? (
    <p className="form-error" role="alert">
      {error.message}
    </p>
  ) : null;
  return (
    <>
      {setup ? (
        <section className="setup" aria-labelledby="setup-heading">
          <h2 id="setup-heading">
            Setup of <span className="experiment-name">{setup.experiment.name}</span>
          </h2>
          {errorNotice}
          <SetupTables setup={setup} />
        </section>
      ) : (
        <section className="welcome" aria-labelledby="welcome-heading">
          <h2 id="welcome-heading">No experiment yet</h2>
          {errorNotice}
          <p>Create an experiment to begin; it becomes the active one.</p>
        </section>
      )}
      {/* The same tree in both cases, so the new-experiment form keeps its confirmation when
          the first experiment appears. Keyed by experiment so a switch starts the others afresh. */}
      <div className="forms">
        {setup ? <EasySetupForm key={`easy-${setup.experiment.id}`} setup={setup} /> : null}
        {setup ? <AddEccServerForm key={`ecc-${setup.experiment.id}`} experimentId={setup.experiment.id} /> : null}
        <CreateExperimentForm />
      </div>
    </>
  );
}

export function App() {
  const theme = useAppStore((state) => state.theme);
  const { data: experiments } = useSubscription('experiments.list', {});

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <Header experiments={experiments} />
      <Banners />
      <main className="main">
        <SetupSection />
      </main>
    </div>
  );
}
