import { describe, expect, it } from 'vitest';
import { connectWorkerConnection, temporalTarget } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/ports';

describe('connecting to Temporal like the CLI does', () => {
  it('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE', () => {
    const target = temporalTarget({ TEMPORAL_ADDRESS: '10.1.2.3:7233', TEMPORAL_NAMESPACE: 'payments' });
    expect(target.address).toBe('10.1.2.3:7233');
    expect(target.namespace).toBe('payments');
  });

  it('says where it looked and what to do when nothing answers', async () => {
    const port = await freePort();
    const target = temporalTarget({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    await expect(connectWorkerConnection(target)).rejects.toThrow(
      `Cannot reach Temporal at 127.0.0.1:${port} (namespace default): connection refused. Run \`npm start\``,
    );
  });
});
