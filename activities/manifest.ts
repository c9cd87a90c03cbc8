// The run manifest: one JSON document per run, written atomically like everything else.
import type { ActivityDeps } from './deps';
import { cancellation } from './context';
import { invalidInput } from './failures';
import type { Activities } from './types';

export function manifestActivities({ storage }: ActivityDeps): Pick<Activities, 'writeJson'> {
  return {
    async writeJson(input) {
      if (!input?.key) throw invalidInput('writeJson: key is required');
      if (input.value === undefined) throw invalidInput('writeJson: value is required');
      const text = `${JSON.stringify(input.value, null, 2)}\n`;
      return storage.put(input.key, [Buffer.from(text)], { signal: cancellation() });
    },
  };
}
