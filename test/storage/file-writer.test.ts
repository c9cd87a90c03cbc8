// Unit test of HashedFileWriter against a stand-in FileHandle, for what a real disk will not do on
// demand: one slice of a buffer failing while the others are still being written.
import { describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { BUFFER_BYTES, FIRST_BUFFER_BYTES, HashedFileWriter, WRITE_SLICE_BYTES } from '../../src/storage/file-writer';

/** Records each positioned write; write number `failAt` (from 1) fails at once, the others finish after a delay. */
function fakeFile(failAt: number) {
  const log = { started: 0, finished: 0, positions: [] as number[], lengths: [] as number[] };
  const write = async (data: Buffer, offset: number, length: number, position: number) => {
    log.started++;
    log.positions.push(position);
    log.lengths.push(length);
    if (log.started === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.finished++;
    return { bytesWritten: length, buffer: data };
  };
  const file = { write, sync: async () => undefined, datasync: async () => undefined } as unknown as FileHandle;
  return { file, log };
}

describe('HashedFileWriter', () => {
  it('writes each buffer as slices at their own offsets, buffers growing from 64 KB to 4 MB', async () => {
    const { file, log } = fakeFile(-1);
    const writer = new HashedFileWriter(file);
    writer.write(Buffer.alloc(3 * BUFFER_BYTES + 10));
    await writer.finish();
    // The slices tile the file in order, none larger than a slice.
    let next = 0;
    for (const [i, position] of log.positions.entries()) {
      expect(position).toBe(next);
      expect(log.lengths[i]).toBeLessThanOrEqual(WRITE_SLICE_BYTES);
      next += log.lengths[i]!;
    }
    expect(next).toBe(3 * BUFFER_BYTES + 10);
    // The first buffer is small (a small object holds kilobytes), the last ones full size.
    expect(log.lengths[0]).toBe(FIRST_BUFFER_BYTES);
    expect(log.lengths.filter((length) => length === WRITE_SLICE_BYTES).length).toBeGreaterThanOrEqual(
      (2 * BUFFER_BYTES) / WRITE_SLICE_BYTES,
    );
  });

  it('fails with the disk error only after every slice in flight has finished with the file', async () => {
    // The caller closes the file as soon as this rejects, and the descriptor's number is then reused:
    // a slice still writing would land in some other file.
    // Buffers of 64, 128, 256 and 512 KB make writes 1-5; write 6 is the first of the 1 MB buffer's
    // four slices, issued at once: it fails while its three siblings are still writing.
    const { file, log } = fakeFile(6);
    const writer = new HashedFileWriter(file);
    writer.write(Buffer.alloc(BUFFER_BYTES));
    await expect(writer.finish()).rejects.toThrow(/ENOSPC/);
    expect(log.started).toBe(9);
    expect(log.finished).toBe(log.started - 1);
    expect(() => writer.write(Buffer.alloc(1))).toThrow(/ENOSPC|finished/);
  });
});
