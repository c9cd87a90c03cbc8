// Deterministic identifiers and numbers: the same seed and the same sequence of requests give the same
// guids, accounts and transactions, so test failures reproduce.
import { createHash } from 'node:crypto';

export type GuidPrefix = 'USR' | 'MBR' | 'ACT' | 'TRN' | 'STA' | 'CRD' | 'JOB' | 'INS';

/** An MX-shaped guid, e.g. `MBR-7c6f361b-e582-15b6-60c0-358f12466b4b`, derived from the seed and a key. */
export function guid(prefix: GuidPrefix, seed: number, key: string): string {
  const hex = createHash('sha256').update(`${seed}:${prefix}:${key}`).digest('hex');
  return `${prefix}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A 32-bit unsigned integer derived from the seed and a key (FNV-1a, then a murmur finaliser). */
export function hashInt(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) derived from the seed and a key. */
export function hashUnit(seed: number, key: string): number {
  return hashInt(seed, key) / 0x1_0000_0000;
}

/** A seeded stream of numbers in [0, 1) (mulberry32): fault rates draw from it, so runs repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
