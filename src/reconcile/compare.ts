// What changed between two versions of one transaction: every top-level field whose JSON differs.
import type { FieldChange, Transaction } from './types';

export function fieldChanges(before: Transaction, after: Transaction): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const field of fields) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}
