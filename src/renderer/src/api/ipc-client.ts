// The API over Electron IPC: every call and subscription goes through the preload's `window.daq`.
import type { ApiClient, InputOf, OperationName, OutputOf, QueryName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { DaqBridge } from './bridge';
import { unwrap } from './result';

export class IpcClient implements ApiClient {
  constructor(private readonly bridge: DaqBridge) {}

  async call<K extends OperationName>(name: K, input: InputOf<K>): Promise<OutputOf<K>> {
    return unwrap<OutputOf<K>>(await this.bridge.call(name, input));
  }

  subscribe<K extends QueryName>(
    name: K,
    input: InputOf<K>,
    onData: (value: OutputOf<K>) => void,
    onError: (error: Error) => void,
  ): () => void {
    return this.bridge.subscribe(name, input, (result) => {
      if (result.ok) onData(result.value as OutputOf<K>);
      else onError(ApiError.from(result.error));
    });
  }
}
