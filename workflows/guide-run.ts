// One guide run's visible state: the progress query, the search attributes and the Web UI's
// "current details" all come from here, so what a person sees in each place agrees.
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { MemberState } from '../activities/types';
import type { CarriedState } from './carried-state';
import type { GuideOptions } from './input';
import {
  MxAwaitingMfa,
  MxConnectionStatus,
  MxInstitution,
  MxMemberGuid,
  MxStep,
  MxUserGuid,
  MxUserId,
  type Progress,
  type Step,
  type WorkflowTypeName,
} from './messages';
import { Mfa } from './mfa';

export class GuideRun {
  readonly progress: Progress;
  readonly mfa: Mfa;
  readonly deadlineMs: number;
  readonly phasesMs: Record<string, number>;
  ownJobStarted: boolean;
  rejections: number;
  continuations: number;
  memberReused = false;
  /** ensureMember itself started an aggregation (create or new credentials, without skip_aggregation). */
  memberStartedJob = false;
  institutionName: string | null = null;
  private lastSearchAttributes = new Map<string, unknown>();

  constructor(
    readonly workflowType: WorkflowTypeName,
    readonly options: GuideOptions,
    /** The caller's input as sent, for continue-as-new (credentials are dropped there). */
    readonly rawInput: Record<string, unknown>,
  ) {
    const carried = options.continued;
    const now = Date.now();
    this.deadlineMs = carried ? Date.parse(carried.deadline) : now + options.polling.deadline;
    this.phasesMs = { ...carried?.phasesMs };
    this.ownJobStarted = carried?.ownJobStarted ?? false;
    this.rejections = carried?.attempts.rejections ?? 0;
    this.continuations = carried?.continuations ?? 0;
    this.memberReused = carried?.memberReused ?? false;
    this.institutionName = carried?.institution.name ?? null;
    this.mfa = new Mfa(carried?.attempts.mfaRounds ?? 0, carried?.ignoredAnswers ?? 0);
    const attempts = carried?.attempts;
    this.progress = {
      workflowType,
      step: 'VALIDATING_INPUT',
      waitingFor: 'Checking the input.',
      userId: options.userId,
      userGuid: carried?.userGuid ?? null,
      memberGuid: carried?.memberGuid ?? null,
      institutionCode: carried?.institution.code ?? options.institutionCode ?? null,
      connectionStatus: null,
      connectionStatusMessage: null,
      isBeingAggregated: null,
      mfa: this.mfa.view(),
      attempts: {
        polls: attempts?.polls ?? 0,
        jobStarts: attempts?.jobStarts ?? 0,
        mfaRounds: attempts?.mfaRounds ?? 0,
        jobRetries: attempts?.jobRetries ?? 0,
      },
      deadlines: { overall: new Date(this.deadlineMs).toISOString(), nextPollAt: null },
      lastError: null,
      startedAt: carried?.startedAt ?? new Date(now).toISOString(),
    };
  }

  /** The progress query's answer: computed on demand so MFA state is never stale. */
  snapshot(): Progress {
    return { ...this.progress, mfa: this.mfa.view() };
  }

  step(step: Step, waitingFor: string): void {
    this.progress.step = step;
    this.progress.waitingFor = waitingFor;
    this.publish();
  }

  /** Same step, new sentence (e.g. "poll 4, next in 6 s"). */
  waiting(waitingFor: string): void {
    this.progress.waitingFor = waitingFor;
    this.publish();
  }

  setUser(guid: string): void {
    this.progress.userGuid = guid;
  }

  setMember(guid: string): void {
    this.progress.memberGuid = guid;
  }

  setInstitution(code: string, name: string | null): void {
    this.progress.institutionCode = code;
    this.institutionName = name;
  }

  observe(member: MemberState): void {
    this.progress.connectionStatus = member.connectionStatus;
    this.progress.connectionStatusMessage = member.connectionStatusMessage;
    this.progress.isBeingAggregated = member.isBeingAggregated;
    this.publish();
  }

  userRef(): { userGuid: string } {
    return { userGuid: this.required(this.progress.userGuid, 'user guid') };
  }

  memberRef(): { userGuid: string; memberGuid: string } {
    return { ...this.userRef(), memberGuid: this.required(this.progress.memberGuid, 'member guid') };
  }

  /** Runs one phase of the guide and records how long it took (workflow time, so replay-safe). */
  async phase<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } finally {
      this.phasesMs[name] = (this.phasesMs[name] ?? 0) + (Date.now() - started);
    }
  }

  carry(): CarriedState {
    const { userGuid, memberGuid } = this.memberRef();
    return {
      userGuid,
      memberGuid,
      memberReused: this.memberReused,
      institution: { code: this.required(this.progress.institutionCode, 'institution'), name: this.institutionName },
      startedAt: this.progress.startedAt,
      deadline: new Date(this.deadlineMs).toISOString(),
      ownJobStarted: this.ownJobStarted,
      attempts: { ...this.progress.attempts, mfaRounds: this.mfa.round, rejections: this.rejections },
      ignoredAnswers: this.mfa.ignoredAnswers,
      phasesMs: this.phasesMs,
      continuations: this.continuations + 1,
    };
  }

  private required(value: string | null, what: string): string {
    if (!value) throw new Error(`Bug: ${what} is not known yet at step ${this.progress.step}.`);
    return value;
  }

  /** Search attributes are upserted only when they change: each upsert is a history event. */
  private publish(): void {
    const p = this.progress;
    const mfa = this.mfa.view();
    const wanted: SearchAttributeUpdatePair[] = [
      { key: MxUserId, value: p.userId ?? '' },
      { key: MxStep, value: p.step },
      { key: MxAwaitingMfa, value: mfa.awaiting },
      ...(p.userGuid ? [{ key: MxUserGuid, value: p.userGuid }] : []),
      ...(p.memberGuid ? [{ key: MxMemberGuid, value: p.memberGuid }] : []),
      ...(p.institutionCode ? [{ key: MxInstitution, value: p.institutionCode }] : []),
      ...(p.connectionStatus ? [{ key: MxConnectionStatus, value: p.connectionStatus }] : []),
    ] as SearchAttributeUpdatePair[];
    const changed = wanted.filter((pair) => this.lastSearchAttributes.get(pair.key.name) !== pair.value);
    if (changed.length > 0) {
      upsertSearchAttributes(changed);
      for (const pair of changed) this.lastSearchAttributes.set(pair.key.name, pair.value);
    }
    setCurrentDetails(this.details());
  }

  private details(): string {
    const p = this.progress;
    const mfa = this.mfa.view();
    const lines = [
      `**${p.step}**: ${p.waitingFor}`,
      '',
      `- user \`${p.userId}\`${p.userGuid ? ` (${p.userGuid})` : ''}`,
      `- institution \`${p.institutionCode ?? '?'}\`${p.memberGuid ? `, member ${p.memberGuid}` : ''}`,
      `- connection status: ${p.connectionStatus ?? 'unknown'}${p.isBeingAggregated ? ' (job running)' : ''}`,
      `- polls ${p.attempts.polls}, job starts ${p.attempts.jobStarts}, MFA rounds ${mfa.round}; deadline ${p.deadlines.overall}`,
    ];
    if (mfa.awaiting) {
      lines.push('', `**Waiting for MFA answers** (round ${mfa.round}, until ${mfa.deadline}):`);
      for (const c of mfa.challenges) lines.push(`- \`${c.guid}\` ${c.type}: ${c.label ?? c.fieldName ?? ''}`);
      lines.push('', `Answer with \`temporal workflow update execute --workflow-id ${workflowInfo().workflowId} --name answerMfa --input '{"answers":[{"guid":"…","value":"…"}]}'\``);
    }
    return lines.join('\n');
  }
}
