// The MFA messages, the progress query and the search attributes of both guide workflows.
// Defined once: the workflows, the worker, the support tool (CLI and web page) and the tests import this file.
// It must stay importable from workflow code: no Node built-ins, no client imports, activities as types only.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Challenge } from '../activities/types';
import { SEARCH_ATTRIBUTES } from '../src/temporal/search-attribute-keys';

export type { ChallengeType } from '../activities/types';

export const WORKFLOW_TYPES = ['fetchAccountData', 'fetchStatements'] as const;
/** refreshMember (issue 12) keeps a member current; it takes no credentials, so it is not among the start commands. */
export type WorkflowTypeName = (typeof WORKFLOW_TYPES)[number] | 'refreshMember';

/** A challenge as the support tool shows it: MX's challenge as the activity read it. Never carries an answer. */
export type PendingChallenge = Challenge;

export interface MfaAnswer {
  guid: string;
  value: string;
}

/** Payload of the `mfaAnswers` signal and the `answerMfa` update. */
export interface MfaAnswers {
  answers: MfaAnswer[];
}

/** What the `answerMfa` update returns: what MX did with the answers. */
export interface AnswerMfaResult {
  /** The MFA round the answers were applied to (1-based). */
  round: number;
  /**
   * CONNECTED: MX accepted and the job finished or goes on without MFA;
   * CHALLENGED: MX asked a follow-up question (see `challenges`);
   * REJECTED: MX said the answer was wrong; the run asks again or ends, see `message`;
   * FAILED: the member reached another end state, see `connectionStatus` and `message`.
   */
  outcome: 'CONNECTED' | 'CHALLENGED' | 'REJECTED' | 'FAILED';
  connectionStatus: string | null;
  message: string;
  /** Follow-up challenges when outcome is CHALLENGED. */
  challenges?: PendingChallenge[];
}

export type Step =
  | 'VALIDATING_INPUT'
  | 'ENSURING_USER'
  | 'RESOLVING_INSTITUTION'
  | 'ENSURING_MEMBER'
  | 'STARTING_JOB'
  | 'WAITING_FOR_JOB'
  | 'AWAITING_MFA'
  | 'EXPORTING_ACCOUNTS'
  | 'DOWNLOADING_STATEMENTS'
  | 'WAITING_FOR_OTHER_RUN'
  | 'RECONCILING'
  | 'WRITING_MANIFEST'
  | 'COMPLETED'
  | 'FAILED';

/** What the `progress` query returns. Never contains credentials or MFA answers. */
export interface Progress {
  workflowType: WorkflowTypeName;
  step: Step;
  /** One human sentence: what the run is doing or waiting for. */
  waitingFor: string;
  userId: string | null;
  userGuid: string | null;
  memberGuid: string | null;
  institutionCode: string | null;
  connectionStatus: string | null;
  /** MX's last `connection_status_message`. */
  connectionStatusMessage: string | null;
  isBeingAggregated: boolean | null;
  mfa: {
    awaiting: boolean;
    /** The current round (1-based), 0 before any challenge. */
    round: number;
    challenges: PendingChallenge[];
    /** ISO time when the current round times out. */
    deadline: string | null;
    /** Answers received for challenges that were not pending (counted, never stored or applied). */
    ignoredAnswers?: number;
    /** mfaAnswers signals the worker could not decode (unknown encoding, damaged, unknown key): ignored. */
    undecodableSignals?: number;
  };
  attempts: { polls: number; jobStarts: number; mfaRounds: number; jobRetries: number };
  deadlines: { overall: string | null; nextPollAt: string | null };
  lastError: string | null;
  startedAt: string;
}

export const mfaAnswersSignal = defineSignal<[MfaAnswers]>('mfaAnswers');
export const answerMfaUpdate = defineUpdate<AnswerMfaResult, [MfaAnswers]>('answerMfa');
export const progressQuery = defineQuery<Progress>('progress');

export {
  MxAwaitingMfa,
  MxConnectionStatus,
  MxInstitution,
  MxMemberGuid,
  MxStep,
  MxUserGuid,
  MxUserId,
  SEARCH_ATTRIBUTES,
} from '../src/temporal/search-attribute-keys';

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool' };
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
