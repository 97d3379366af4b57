// A child process that plays the control room's other screens for the monitors scenario: WebSocket
// clients subscribed to what the Status view shows, on the monitor address (and one on the
// control address, for comparison). Out of the measured process, so that only the application's
// own work (fanning the changes out) is on its event loop. Driven over the IPC channel.
import { WebSocket } from 'ws';

/** What the Status and Setup views keep subscribed; `settings.get` carries the measured change. */
const SUBSCRIPTIONS = ['settings.get', 'ecc.status', 'runs.status', 'setup.get', 'experiments.list', 'log.list', 'monitor.status'] as const;

export type MonitorClientsRequest =
  | { type: 'connect'; url: string; token: string; count: number; role: 'monitor' | 'control' }
  | { type: 'expect'; settleSeconds: number }
  | { type: 'results' }
  | { type: 'close' };

export type MonitorClientsReply =
  | { type: 'ready' }
  | { type: 'connected'; count: number }
  | { type: 'arrived'; settleSeconds: number }
  /** When (performance.timeOrigin + now, ms) each client got each value, by role. */
  | { type: 'results'; arrivals: { role: 'monitor' | 'control'; settleSeconds: number; at: number }[] }
  | { type: 'closed' };

interface Client {
  role: 'monitor' | 'control';
  ws: WebSocket;
  /** The last settleSeconds this client was pushed. */
  last: number | undefined;
}

const clients: Client[] = [];
const arrivals: { role: 'monitor' | 'control'; settleSeconds: number; at: number }[] = [];
let expected: number | undefined;

function reply(message: MonitorClientsReply): void {
  process.send?.(message);
}

/** Says once every client has the value the parent is waiting for. */
function checkArrived(): void {
  if (expected === undefined || !clients.every((client) => client.last === expected)) return;
  const settleSeconds = expected;
  expected = undefined;
  reply({ type: 'arrived', settleSeconds });
}

function connect(url: string, token: string, role: Client['role']): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/ws`, { headers: { Authorization: `Bearer ${token}` } });
    const client: Client = { role, ws, last: undefined };
    ws.on('message', (data) => {
      const at = performance.timeOrigin + performance.now();
      const message = JSON.parse(String(data)) as { type: string; id: string; result: { ok: boolean; value?: { settleSeconds?: number } } };
      if (message.type !== 'data' || message.id !== 'settings.get' || !message.result.ok) return;
      const value = message.result.value?.settleSeconds;
      if (value === undefined) return;
      if (client.last === undefined) resolve();
      else arrivals.push({ role, settleSeconds: value, at });
      client.last = value;
      checkArrived();
    });
    ws.once('open', () => {
      for (const op of SUBSCRIPTIONS) ws.send(JSON.stringify({ type: 'subscribe', id: op, op, input: {} }));
    });
    ws.once('error', reject);
    clients.push(client);
  });
}

async function handle(request: MonitorClientsRequest): Promise<MonitorClientsReply> {
  switch (request.type) {
    case 'connect':
      await Promise.all(Array.from({ length: request.count }, () => connect(request.url, request.token, request.role)));
      return { type: 'connected', count: clients.length };
    case 'expect':
      expected = request.settleSeconds;
      // Answered (with 'arrived') once every client has it; maybe at once.
      setImmediate(checkArrived);
      return { type: 'ready' };
    case 'results':
      return { type: 'results', arrivals: arrivals.splice(0) };
    case 'close':
      for (const client of clients.splice(0)) client.ws.terminate();
      return { type: 'closed' };
  }
}

process.on('message', (raw) => {
  void handle(raw as MonitorClientsRequest).then((message) => {
    if (message.type !== 'ready') reply(message);
  });
});
reply({ type: 'ready' });
