// The reconciled state of a member's transactions and the change sets between runs: the formats that
// storage holds and consumers read (README, "Keeping a member current"). Plain data, no I/O.

/** A transaction as MX returns it (TransactionResponse); only `guid` is relied on by the diff. */
export type Transaction = Record<string, unknown> & { guid: string };

/** One line of the state file: the current version of one transaction. Lines are sorted by guid. */
export interface StateRecord {
  guid: string;
  transaction: Transaction;
  /** The PENDING transaction this POSTED one replaced under a new guid (see link.ts), else null. */
  replacedPendingGuid: string | null;
  /** The run that first stored it, and the last run that changed it. */
  addedRunId: string;
  updatedRunId: string;
}

export interface FieldChange {
  from: unknown;
  to: unknown;
}

export type Change =
  | { change: 'added'; guid: string; transaction: Transaction }
  | {
      change: 'modified';
      guid: string;
      /**
       * How the old version relates: `same-guid` (MX updated it in place, e.g. PENDING -> POSTED) or
       * `replaced-pending` (MX deleted the PENDING one and sent a new POSTED one; `previousGuid` is the
       * pending guid, and `changes.guid` says so too).
       */
      link: 'same-guid' | 'replaced-pending';
      previousGuid: string;
      changes: Record<string, FieldChange>;
      transaction: Transaction;
    }
  | { change: 'removed'; guid: string; transaction: Transaction };

/** Which dates a run re-read: stored transactions dated inside and not returned were removed at MX. */
export interface Window {
  fromDate: string;
  toDate: string;
}

export interface ChangeCounts {
  added: number;
  modified: number;
  /** Of `modified`: PENDING -> POSTED, same guid or linked to the replacement. */
  posted: number;
  removed: number;
}
