// A terminal cannot show a challenge image, so the CLI writes each one to a file and prints its path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PendingChallenge } from '../../../workflows/messages';
import { parseChallengeImage } from '../images';

/** Per challenge guid: the saved image (IMAGE_DATA) or one path per image option (IMAGE_OPTIONS); null = not a valid image. */
export type SavedImages = Map<string, { image?: string | null; options?: (string | null)[] }>;

export function defaultImagesDir(): string {
  return join(tmpdir(), 'mx-support');
}

export function saveChallengeImages(dir: string, workflowId: string, challenges: PendingChallenge[]): SavedImages {
  const saved: SavedImages = new Map();
  const base = resolve(dir);
  const write = (name: string, data: string | null | undefined): string | null => {
    const image = parseChallengeImage(data);
    if (!image) return null;
    mkdirSync(base, { recursive: true });
    const path = join(base, `${safeName(workflowId)}-${safeName(name)}.${image.extension}`);
    writeFileSync(path, image.bytes);
    return path;
  };
  for (const challenge of challenges) {
    if (challenge.imageData !== undefined && challenge.imageData !== null) {
      saved.set(challenge.guid, { image: write(challenge.guid, challenge.imageData) });
    }
    if (challenge.imageOptions?.length) {
      saved.set(challenge.guid, {
        ...saved.get(challenge.guid),
        options: challenge.imageOptions.map((option, i) => write(`${challenge.guid}-option-${i + 1}`, option.dataUri)),
      });
    }
  }
  return saved;
}

/** Workflow ids and guids come from outside: keep them from climbing out of the directory. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
}
