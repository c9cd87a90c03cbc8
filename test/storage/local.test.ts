// What only the local folder backend does. The guarantees every backend gives (put, create, keys,
// remove, sweep) run on both backends in backends.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUFFER_BYTES, WRITE_SLICE_BYTES } from '../../src/storage/file-writer';
import { createLocalStorage } from '../../src/storage/local';
import type { Storage } from '../../src/storage/types';

let root: string;
let storage: Storage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'storage-test-'));
  storage = createLocalStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('create (pushed writes)', () => {
  it('puts every byte at its offset when buffers are written in parallel slices', async () => {
    // Random bytes, so a slice written at the wrong offset cannot go unnoticed; a size that is no
    // multiple of the buffer or the slice, sent in odd-sized chunks.
    const data = randomBytes(2 * BUFFER_BYTES + 3 * WRITE_SLICE_BYTES + 12_345);
    const writer = await storage.create('slices.bin');
    for (let offset = 0; offset < data.length; offset += 100_003) {
      if (!writer.write(data.subarray(offset, offset + 100_003))) await writer.drained();
    }
    const stored = await writer.commit();
    expect(stored).toEqual({ key: 'slices.bin', bytes: data.length, sha256: sha(data) });
    expect((await readFile(join(root, 'slices.bin'))).equals(data)).toBe(true);
  });
});
