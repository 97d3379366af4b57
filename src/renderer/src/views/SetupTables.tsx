// The setup of the experiment on screen: its ECC servers, data routers and data sources.
import { configSetLabel, type EccState, type Setup } from '../../../shared/domain';

const STATE_ICONS: Record<EccState, string> = {
  Off: '○',
  Idle: '◇',
  Described: '◈',
  Prepared: '◆',
  Ready: '▶',
  Running: '●',
  Paused: '❚❚',
};

/** A board state as text with a symbol; colour only repeats what the words say. */
function EccStateBadge({ state }: { state: EccState | null }) {
  if (state === null) {
    return (
      <span className="state state-unknown">
        <span aria-hidden="true">? </span>Not reached
      </span>
    );
  }
  return (
    <span className={`state state-${state.toLowerCase()}`}>
      <span aria-hidden="true">{STATE_ICONS[state]} </span>
      {state}
    </span>
  );
}

function Caption({ title, count }: { title: string; count: number }) {
  return (
    <caption>
      {title} <span className="count">({count})</span>
    </caption>
  );
}

function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={columns} className="empty">
        {text}
      </td>
    </tr>
  );
}

export function SetupTables({ setup }: { setup: Setup }) {
  const eccNames = new Map(setup.eccServers.map((server) => [server.id, server.name]));
  const routerNames = new Map(setup.dataRouters.map((router) => [router.id, router.name]));
  return (
    <div className="setup-tables">
      <table>
        <Caption title="ECC servers" count={setup.eccServers.length} />
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col" className="num">Port</th>
            <th scope="col">State</th>
            <th scope="col">Config set</th>
          </tr>
        </thead>
        <tbody>
          {setup.eccServers.length === 0 ? <EmptyRow columns={5} text="No ECC servers yet" /> : null}
          {setup.eccServers.map((server) => {
            const selected = server.configSets.find((set) => set.selected);
            return (
              <tr key={server.id}>
                <th scope="row">{server.name}</th>
                <td className="mono">{server.address}</td>
                <td className="num">{server.port}</td>
                <td>
                  <EccStateBadge state={server.state} />
                </td>
                <td className="mono">{selected ? configSetLabel(selected) : <span className="muted">none selected</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <table>
        <Caption title="Data routers" count={setup.dataRouters.length} />
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col" className="num">Port</th>
            <th scope="col">Type</th>
          </tr>
        </thead>
        <tbody>
          {setup.dataRouters.length === 0 ? <EmptyRow columns={4} text="No data routers yet" /> : null}
          {setup.dataRouters.map((router) => (
            <tr key={router.id}>
              <th scope="row">{router.name}</th>
              <td className="mono">{router.address}</td>
              <td className="num">{router.port}</td>
              <td>{router.connectionType}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <table>
        <Caption title="Data sources" count={setup.dataSources.length} />
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">ECC server</th>
            <th scope="col">Data router</th>
          </tr>
        </thead>
        <tbody>
          {setup.dataSources.length === 0 ? <EmptyRow columns={3} text="No data sources yet" /> : null}
          {setup.dataSources.map((source) => (
            <tr key={source.id}>
              <th scope="row">{source.name}</th>
              <td>{eccNames.get(source.eccServerId) ?? `#${source.eccServerId}`}</td>
              <td>{routerNames.get(source.dataRouterId) ?? `#${source.dataRouterId}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
