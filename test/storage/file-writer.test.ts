// Unit test of HashedFileWriter against a stand-in FileHandle, for what a real disk will not do on
// demand: one slice of a buffer failing while the others are still being written.
import { describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { BUFFER_BYTES, HashedFileWriter, WRITE_SLICE_BYTES } from '../../src/storage/file-writer';

/** Records each positioned write; the one at `failAt` fails at once, the others finish after a delay. */
function fakeFile(failAt: number) {
  const log = { started: 0, finished: 0, positions: [] as number[] };
  const write = async (data: Buffer, offset: number, length: number, position: number) => {
    log.started++;
    log.positions.push(position);
    if (position === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.finished++;
    return { bytesWritten: length, buffer: data };
  };
  const file = { write, sync: async () => undefined, datasync: async () => undefined } as unknown as FileHandle;
  return { file, log };
}

describe('HashedFileWriter', () => {
  it('writes each full buffer as slices at their own offsets', async () => {
    const { file, log } = fakeFile(-1);
    const writer = new HashedFileWriter(file);
    writer.write(Buffer.alloc(BUFFER_BYTES + 10));
    await writer.finish();
    const slicesPerBuffer = BUFFER_BYTES / WRITE_SLICE_BYTES;
    expect(log.positions).toEqual([...Array.from({ length: slicesPerBuffer }, (_, i) => i * WRITE_SLICE_BYTES), BUFFER_BYTES]);
  });

  it('fails with the disk error only after every slice in flight has finished with the file', async () => {
    // The caller closes the file as soon as this rejects, and the descriptor's number is then reused:
    // a slice still writing would land in some other file.
    const { file, log } = fakeFile(WRITE_SLICE_BYTES * 3);
    const writer = new HashedFileWriter(file);
    writer.write(Buffer.alloc(BUFFER_BYTES));
    await expect(writer.finish()).rejects.toThrow(/ENOSPC/);
    expect(log.started).toBe(BUFFER_BYTES / WRITE_SLICE_BYTES);
    expect(log.finished).toBe(log.started - 1);
    expect(() => writer.write(Buffer.alloc(1))).toThrow(/ENOSPC|finished/);
  });
});
