// The member-id keys the worker derives from its sealing private key (src/cmd/worker.ts).
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMBER_ID_KEY_INFO } from '../../activities/member-id';
import { loadConfig } from '../../src/config';
import { Opener } from '../../src/temporal/seal';
import { loadOpener } from '../../src/temporal/seal-keys';

describe('Opener.derivedKeys', () => {
  it('gives the current key first, then the previous ones, none equal to a sealing key', () => {
    const [current, previous] = [randomBytes(32), randomBytes(32)];
    const keys = new Opener([current, previous]).derivedKeys(MEMBER_ID_KEY_INFO);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(new Opener([current]).derivedKeys(MEMBER_ID_KEY_INFO)[0]);
    expect(keys[1]).toEqual(new Opener([previous]).derivedKeys(MEMBER_ID_KEY_INFO)[0]);
    for (const key of keys) expect([current, previous]).not.toContainEqual(key);
    expect(new Opener([current]).derivedKeys('another purpose')[0]).not.toEqual(keys[0]);
  });

  it('is the same for every worker on one DATA_DIR (the key file), so member ids survive worker restarts', () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'derived-keys-')) });
    const first = loadOpener(config).derivedKeys(MEMBER_ID_KEY_INFO);
    const second = loadOpener(config).derivedKeys(MEMBER_ID_KEY_INFO);
    expect(second).toEqual(first);
  });
});
