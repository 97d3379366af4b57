// The remote log operation: a call reads the file once; a subscription follows it.
import { ApiError } from '../../shared/api/errors';
import { defineHandlers } from '../api/handler';
import type { RemoteLogs } from './remote-logs';

export function remoteLogHandlers(logs: RemoteLogs | null) {
  return defineHandlers({
    'remoteLogs.tail': {
      // The component's address and log path come from the setup; new content from the follower.
      reads: ['remote_logs', 'ecc_server', 'data_router'],
      run: (input) => {
        if (!logs) throw new ApiError('REFUSED', 'Remote logs are read over SSH, which is not running in this process');
        return logs.tail(input.component, input.id, input.lines);
      },
      watch: (input) => logs?.follow(input.component, input.id, input.lines) ?? (() => {}),
    },
  });
}
