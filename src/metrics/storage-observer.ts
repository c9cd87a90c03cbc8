// Stored objects as metrics (the observer of src/storage/metered.ts): bytes and objects by kind, the
// kind read from the key's last segment, so no key, user id or guid becomes a label value.
import { isExportPartName } from '../../activities/export';
import type { StoredObserver } from '../storage/metered';
import type { GuideMetrics } from './guide-metrics';

export type StoredKind = 'statement_pdf' | 'accounts' | 'transactions' | 'manifest' | 'export_part' | 'other';

export function storedKind(key: string): StoredKind {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (isExportPartName(name)) return 'export_part';
  if (name.endsWith('.pdf')) return 'statement_pdf';
  if (name === 'accounts.ndjson') return 'accounts';
  if (name === 'transactions.ndjson') return 'transactions';
  if (name.endsWith('manifest.json')) return 'manifest';
  return 'other';
}

export function storedObserver(metrics: GuideMetrics): StoredObserver {
  return ({ key, bytes }) => {
    const kind = storedKind(key);
    metrics.bytesStored.inc({ kind }, bytes);
    metrics.objectsStored.inc({ kind });
  };
}
