// The floor of a refresh round on this machine: the application's own GetState request POSTed to the same
// simulators with node:http on this thread, the answer read and not even parsed. No client can
// do a round faster than this against these simulators; it shows how much of a round is the
// loopback network and the simulators themselves rather than the client.
import { Agent, request } from 'node:http';
import type { EccEndpoint } from '../../src/main/ecc/gateway';
import { endpointUrl } from '../../src/main/ecc/soap-client';
import { getStateEnvelope } from '../../src/main/ecc/state-client';

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

function post(endpoint: EccEndpoint): Promise<boolean> {
  const text = getStateEnvelope(endpoint.soapNamespace);
  return new Promise((resolve) => {
    const req = request(
      endpointUrl(endpoint),
      { method: 'POST', agent, headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(text), SOAPAction: '""' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(text);
  });
}

/** One bare round; resolves with the number of 200 answers. */
export async function bareHttpRound(endpoints: readonly EccEndpoint[]): Promise<number> {
  const answers = await Promise.all(endpoints.map(post));
  return answers.filter(Boolean).length;
}
