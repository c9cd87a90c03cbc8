// Slow PDF bodies (the pdfBytesPerSecond fault) are served in chunks of bytesPerSecond / 20, which can
// be larger than the padding block the sandbox repeats: every chunk must still be whole and in order.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { StatementPdfs } from '../../src/sandbox/statement-pdf';

describe('StatementPdfs.chunks', () => {
  it.each([64 * 1024, 750_000, 3 * 1024 * 1024 + 7])(
    'chunks of %i bytes add up to the statement and its content_hash',
    async (chunkBytes) => {
      const pdfs = new StatementPdfs(1, 5 * 1024 * 1024);
      const statement = await pdfs.render({ title: 'Statement', lines: ['one line'], date: new Date('2026-01-31T00:00:00Z') });
      const hash = createHash('sha256');
      let bytes = 0;
      for (const chunk of pdfs.chunks(statement.tail, 0, chunkBytes)) {
        expect(chunk.length).toBeLessThanOrEqual(chunkBytes);
        hash.update(chunk);
        bytes += chunk.length;
      }
      expect(bytes).toBe(statement.size);
      expect(hash.digest('hex')).toBe(statement.contentHash);
    },
  );
});
