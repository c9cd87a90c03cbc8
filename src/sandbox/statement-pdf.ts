// Statement PDFs of any size without holding them in memory. Each PDF is
//   header | object K: an unreferenced stream of deterministic padding | a small pdf-lib document | xref
// The header and padding object (the "prefix") are the same bytes for every statement of a sandbox, so
// SHA-256 runs over the prefix once; each statement's content_hash continues from a copy of that state
// over its own small tail. Serving streams the padding from one reusable block.
import { createHash, type Hash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { seededRandom } from './ids';

/** Every statement's tail (pdf-lib objects + xref + trailer) is filled up to exactly this many bytes. */
const TAIL_BYTES = 32 * 1024;
const BLOCK_BYTES = 256 * 1024;
const HEADER = Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1');
/** pdf-lib's new document uses objects 1 (pages) and 2 (catalog); the padding takes the next number. */
const PADDING_OBJECT = 3;

export interface StatementContent {
  title: string;
  lines: string[];
  /** Fixed per statement so the bytes (and content_hash) never depend on when they were rendered. */
  date: Date;
}

export interface RenderedStatement {
  tail: Buffer;
  size: number;
  contentHash: string;
}

/** The bytes of a statement as parts: small buffers and a run of padding. */
type Part = { buffer: Buffer } | { padding: number };

export class StatementPdfs {
  private readonly block: Buffer;
  private readonly prefixHead: Buffer;
  private readonly prefixFoot = Buffer.from('\nendstream\nendobj\n', 'latin1');
  private readonly paddingBytes: number;
  private prefixHash: Promise<Hash> | undefined;

  constructor(seed: number, statementBytes: number) {
    this.block = paddingBlock(seed);
    this.paddingBytes = paddingFor(statementBytes);
    this.prefixHead = Buffer.from(`${PADDING_OBJECT} 0 obj\n<< /Length ${this.paddingBytes} >>\nstream\n`, 'latin1');
  }

  get prefixBytes(): number {
    return HEADER.length + this.prefixHead.length + this.paddingBytes + this.prefixFoot.length;
  }

  async render(content: StatementContent): Promise<RenderedStatement> {
    const tail = await renderTail(content, this.prefixBytes);
    const hash = (await this.hashPrefix()).copy().update(tail).digest('hex');
    return { tail, size: this.prefixBytes + tail.length, contentHash: hash };
  }

  /** The statement's bytes from `start` on, in chunks of at most `chunkBytes`. */
  *chunks(tail: Buffer, start = 0, chunkBytes = BLOCK_BYTES): Generator<Buffer> {
    let skip = start;
    for (const part of this.parts(tail)) {
      const length = 'buffer' in part ? part.buffer.length : part.padding;
      if (skip >= length) {
        skip -= length;
        continue;
      }
      for (let offset = skip; offset < length;) {
        const size = Math.min(chunkBytes, length - offset);
        yield 'buffer' in part ? part.buffer.subarray(offset, offset + size) : this.paddingSlice(offset, size);
        offset += size;
      }
      skip = 0;
    }
  }

  private parts(tail: Buffer): Part[] {
    return [{ buffer: HEADER }, { buffer: this.prefixHead }, { padding: this.paddingBytes }, { buffer: this.prefixFoot }, { buffer: tail }];
  }

  /**
   * Padding bytes [offset, offset+size) of the repeating block; copies only when a chunk wraps around,
   * as often as it wraps (slow bodies ask for chunks of bytesPerSecond / 20, larger than the block).
   */
  private paddingSlice(offset: number, size: number): Buffer {
    const at = offset % BLOCK_BYTES;
    if (at + size <= BLOCK_BYTES) return this.block.subarray(at, at + size);
    const slice = Buffer.allocUnsafe(size);
    for (let filled = 0; filled < size;) {
      const from = (at + filled) % BLOCK_BYTES;
      filled += this.block.copy(slice, filled, from, Math.min(BLOCK_BYTES, from + size - filled));
    }
    return slice;
  }

  private hashPrefix(): Promise<Hash> {
    this.prefixHash ??= (async () => {
      const hash = createHash('sha256');
      let sinceYield = 0;
      for (const chunk of this.chunks(Buffer.alloc(0))) {
        hash.update(chunk);
        sinceYield += chunk.length;
        // Hundreds of MB take a second or more: let other requests in between.
        if (sinceYield >= 16 * 1024 * 1024) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return hash;
    })();
    return this.prefixHash;
  }
}

/** Padding length so that the whole file is `statementBytes` (or as small as the structure allows). */
function paddingFor(statementBytes: number): number {
  const fixed = HEADER.length + '\nendstream\nendobj\n'.length + TAIL_BYTES;
  let padding = Math.max(0, statementBytes - fixed);
  // The object header holds the length, whose digits count too.
  for (let i = 0; i < 3; i++) {
    const head = `${PADDING_OBJECT} 0 obj\n<< /Length ${padding} >>\nstream\n`.length;
    padding = Math.max(0, statementBytes - fixed - head);
  }
  return padding;
}

/** Hex digits and newlines: binary-safe, and no PDF keyword can appear in it. */
function paddingBlock(seed: number): Buffer {
  const random = seededRandom(seed);
  const digits = '0123456789abcdef';
  const block = Buffer.alloc(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) block[i] = (i + 1) % 80 === 0 ? 0x0a : digits.charCodeAt(Math.floor(random() * 16));
  return block;
}

async function renderTail(content: StatementContent, prefixBytes: number): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const paddingRef = doc.context.nextRef();
  if (paddingRef.objectNumber !== PADDING_OBJECT) throw new Error(`pdf-lib numbered the padding object ${paddingRef.objectNumber}`);
  doc.setTitle(content.title);
  doc.setAuthor('MX Bank (sandbox)');
  doc.setProducer('mx-temporal-guides sandbox');
  doc.setCreationDate(content.date);
  doc.setModificationDate(content.date);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText(content.title, { x: 50, y: 740, size: 16, font });
  content.lines.forEach((line, i) => page.drawText(line, { x: 50, y: 710 - i * 15, size: 10, font }));
  await doc.flush();
  return serializeTail(doc, prefixBytes);
}

/** pdf-lib's objects, the xref (with the padding object in it) and the trailer, filled to TAIL_BYTES. */
function serializeTail(doc: PDFDocument, prefixBytes: number): Buffer {
  const context = doc.context;
  const offsets = new Map<number, number>([[PADDING_OBJECT, HEADER.length]]);
  const pieces: Buffer[] = [];
  let offset = prefixBytes;
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    offsets.set(ref.objectNumber, offset);
    const body = new Uint8Array(object.sizeInBytes());
    object.copyBytesInto(body, 0);
    const piece = Buffer.concat([Buffer.from(`${ref.objectNumber} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    pieces.push(piece);
    offset += piece.length;
  }
  const size = context.largestObjectNumber + 1;
  const entries = ['0000000000 65535 f \n'];
  for (let n = 1; n < size; n++) {
    const at = offsets.get(n);
    entries.push(at === undefined ? '0000000000 65535 f \n' : `${String(at).padStart(10, '0')} 00000 n \n`);
  }
  const root = context.trailerInfo.Root!.toString();
  const info = context.trailerInfo.Info!.toString();
  const xref = `xref\n0 ${size}\n${entries.join('')}trailer\n<< /Size ${size} /Root ${root} /Info ${info} >>\n`;
  const objectsBytes = offset - prefixBytes;
  // A comment line fills the gap before the xref; the xref offset (and its digit count) depends on it.
  let filler = 0;
  for (let i = 0; i < 3; i++) {
    const trailerEnd = `startxref\n${prefixBytes + objectsBytes + filler}\n%%EOF\n`;
    filler = TAIL_BYTES - objectsBytes - xref.length - trailerEnd.length;
  }
  if (filler < 2) throw new Error(`statement tail exceeds ${TAIL_BYTES} bytes`);
  const fillerLine = `%${' '.repeat(filler - 2)}\n`;
  const end = `${xref}startxref\n${prefixBytes + objectsBytes + filler}\n%%EOF\n`;
  return Buffer.concat([...pieces, Buffer.from(fillerLine + end, 'latin1')]);
}
