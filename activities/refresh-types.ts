// The contract between refreshMember and its own activities (activities/refresh.ts, reconcile.ts,
// refresh-schedule.ts). Workflows import this file type-only.
import type { ChangeCounts, Window } from '../src/reconcile/types';
import type { MemberState } from './types';

export interface RefreshMemberRef {
  /** Partner user id (MX `id`). */
  userId: string;
  memberGuid: string;
}

export interface FindRefreshMemberInput {
  userId: string;
  /** The member; or the user's member at `institutionCode` (exactly one must exist). */
  memberGuid?: string;
  institutionCode?: string;
}

export interface RefreshMemberFound extends MemberState {
  userGuid: string;
  institutionCode: string;
}

export interface OtherRunsInput {
  userId: string;
  memberGuid: string;
  /** This run: it is not counted, nor are runs that started after it (they wait for this one). */
  workflowId: string;
  startedAt: string;
}

export interface OtherRun {
  workflowId: string;
  workflowType: string;
  startedAt: string;
}

export interface ReconcileStateInfo {
  /** The latest transaction date reconciled so far; the next window starts `overlapDays` before it. */
  reconciledThrough: string | null;
  runs: number;
  lastRunId: string | null;
}

export interface ReconcileInput extends RefreshMemberRef, Window {
  /** The run (its first run id): names the new state and change set files, and makes a retry a no-op. */
  runId: string;
  /** The NDJSON export of the window's transactions (exportAccountsAndTransactions). */
  transactionsKey: string;
  accountsKey: string;
}

export interface ReconcileSummary {
  runId: string;
  window: Window;
  counts: ChangeCounts;
  /** Transactions in the state after this run. */
  transactionCount: number;
  reconciledThrough: string | null;
  stateKey: string;
  changesKey: string;
  pointerKey: string;
  accountsKey: string;
  committedAt: string;
}

export interface PauseScheduleInput {
  scheduleId: string;
  note: string;
}

export interface BaselineExport extends Window {
  /** The fetchAccountData run (its first run id) whose export is the baseline. */
  runId: string;
  transactionsKey: string;
  accountsKey: string;
}

export interface RefreshActivities {
  /** The latest fetchAccountData export of the member (its manifest in storage), or null. */
  findBaseline(input: RefreshMemberRef): Promise<BaselineExport | null>;
  findRefreshMember(input: FindRefreshMemberInput): Promise<RefreshMemberFound>;
  otherRunsOnMember(input: OtherRunsInput): Promise<OtherRun[]>;
  readReconcileState(input: RefreshMemberRef): Promise<ReconcileStateInfo>;
  reconcileTransactions(input: ReconcileInput): Promise<ReconcileSummary>;
  /** Pauses the member's refresh schedule with the note; false when there is no such schedule. */
  pauseRefreshSchedule(input: PauseScheduleInput): Promise<boolean>;
}
