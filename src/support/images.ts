// Challenge images come from the bank. Only raster images are let through (SVG can carry script), and
// they are re-encoded from their decoded bytes, so nothing but base64 ever reaches an HTML attribute.

export interface ChallengeImage {
  mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/bmp';
  extension: string;
  bytes: Buffer;
}

const TYPES: Record<ChallengeImage['mime'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
};

const DATA_URI = /^data:(image\/[a-z0-9.+-]+)(?:;[a-z0-9=-]+)*;base64,([A-Za-z0-9+/=\s]*)$/i;
const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** The image behind an MX image field (a data URI or bare base64), or null when it is absent or not an allowed image. */
export function parseChallengeImage(data: string | null | undefined): ChallengeImage | null {
  if (!data) return null;
  const text = data.trim();
  const match = DATA_URI.exec(text);
  if (text.startsWith('data:') && !match) return null;
  if (!match && !BARE_BASE64.test(text)) return null;
  const bytes = Buffer.from(match ? match[2]! : text, 'base64');
  const sniffed = sniff(bytes);
  if (!sniffed) return null;
  // A declared type that disagrees with the bytes is a broken or hostile image: refuse it.
  if (match && normalise(match[1]!) !== sniffed) return null;
  return { mime: sniffed, extension: TYPES[sniffed], bytes };
}

export function toDataUri(image: ChallengeImage): string {
  return `data:${image.mime};base64,${image.bytes.toString('base64')}`;
}

function normalise(mime: string): string {
  const lower = mime.toLowerCase();
  return lower === 'image/jpg' ? 'image/jpeg' : lower;
}

function sniff(bytes: Buffer): ChallengeImage['mime'] | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  return null;
}
