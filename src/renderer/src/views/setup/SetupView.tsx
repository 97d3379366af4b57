// The setup view: the experiments, and the active experiment's ECC servers, data routers, data
// sources and SSH settings, with everything that changes them (easy setup, export and import).
// Everything shown comes from live subscriptions; a read-only connection sees it all and can
// change nothing.
import { useSubscription } from '../../api/hooks';
import { FormError } from '../../components/Field';
import { DataRoutersSection } from './DataRouters';
import { DataSourcesSection } from './DataSources';
import { EasySetupForm } from './EasySetupForm';
import { EccServersSection } from './EccServers';
import { ExperimentsPanel } from './ExperimentsPanel';
import { ExportImportPanel } from './ExportImport';
import { MonitorPanel } from './MonitorPanel';
import { AlarmRulesPanel } from './AlarmRulesPanel';
import { SettingsPanel } from './SettingsPanel';
import { SshHostsSection } from './SshHosts';

export function SetupView() {
  const { data: setup, error, loading } = useSubscription('setup.get', {});
  const { data: experiments } = useSubscription('experiments.list', {});
  const errorNotice = <FormError message={error?.message} />;

  return (
    <div className="setup-view">
      <div className="setup-main">
        {loading ? (
          <p className="loading" role="status">
            Loading the setup…
          </p>
        ) : setup ? (
          <section className="setup" aria-labelledby="setup-heading">
            <h2 id="setup-heading">
              Setup of <span className="experiment-name">{setup.experiment.name}</span>
            </h2>
            {errorNotice}
            <div className="setup-tables">
              <EccServersSection setup={setup} />
              <DataRoutersSection setup={setup} />
              <DataSourcesSection setup={setup} />
            </div>
          </section>
        ) : (
          <section className="welcome" aria-labelledby="welcome-heading">
            <h2 id="welcome-heading">No experiment yet</h2>
            {errorNotice}
            <p>Create an experiment to begin; it becomes the active one. Its ECC servers, data routers and data sources are set up here.</p>
          </section>
        )}
        <div className="setup">
          <SshHostsSection setup={setup} />
        </div>
      </div>
      {/* The same tree with or without an experiment, so the new-experiment form keeps its
          confirmation when the first one appears. Keyed by experiment so a switch starts the
          others afresh. */}
      <div className="setup-side">
        <ExperimentsPanel experiments={experiments} />
        {setup ? <EasySetupForm key={`easy-${setup.experiment.id}`} setup={setup} /> : null}
        {setup ? <ExportImportPanel key={`file-${setup.experiment.id}`} setup={setup} /> : null}
        <SettingsPanel />
        <MonitorPanel />
        <AlarmRulesPanel />
      </div>
    </div>
  );
}
