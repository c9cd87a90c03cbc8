// One guide run's state, changed only through its methods: the progress query, the search attributes
// and the Web UI's "current details" all come from here, so what a person sees in each place agrees.
// The counters are one object, exactly what continue-as-new carries (carried-state.ts).
import { log, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { MemberState } from '../activities/types';
import type { CarriedState, Counters } from './carried-state';
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
import type { JobState, StartCount } from './steps/next-move';

type Visible = Omit<Progress, 'attempts' | 'mfa'>;

export class GuideRun {
  private readonly visible: Visible;
  /** Polls, job starts, MFA rounds, fresh jobs and rejections: one object, carried as it is. */
  readonly counters: Counters;
  readonly mfa: Mfa;
  readonly deadlineMs: number;
  readonly phasesMs: Record<string, number>;
  /** Whose job runs on the member: 'ours' once the run started (or adopted) its job. */
  private jobState: JobState;
  readonly continuations: number;
  private reused = false;
  /** ensureMember itself started an aggregation (create or new credentials, without skip_aggregation). */
  private startedWithMember = false;
  private institution: string | null = null;
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
    this.jobState = carried?.ownJobStarted ? 'ours' : 'not ours';
    this.continuations = carried?.continuations ?? 0;
    this.reused = carried?.memberReused ?? false;
    this.institution = carried?.institution.name ?? null;
    this.counters = { polls: 0, jobStarts: 0, mfaRounds: 0, jobRetries: 0, rejections: 0, ...carried?.attempts };
    this.mfa = new Mfa(this.counters, carried?.ignoredAnswers ?? 0);
    this.visible = {
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
      deadlines: { overall: new Date(this.deadlineMs).toISOString(), nextPollAt: null },
      lastError: null,
      startedAt: carried?.startedAt ?? new Date(now).toISOString(),
    };
  }

  /** The progress query's answer: computed on demand so MFA state is never stale. */
  snapshot(): Progress {
    const { polls, jobStarts, mfaRounds, jobRetries } = this.counters;
    return { ...this.visible, mfa: this.mfa.view(), attempts: { polls, jobStarts, mfaRounds, jobRetries } };
  }

  /** What the run shows, read-only: the progress query's fields without MFA and counters. */
  get progress(): Readonly<Visible> {
    return this.visible;
  }

  get job(): JobState {
    return this.jobState;
  }

  get memberReused(): boolean {
    return this.reused;
  }

  get institutionName(): string | null {
    return this.institution;
  }

  step(step: Step, waitingFor: string): void {
    this.visible.step = step;
    this.visible.waitingFor = waitingFor;
    this.publish();
  }

  /** Same step, new sentence (e.g. "poll 4, next in 6 s"). */
  waiting(waitingFor: string): void {
    this.visible.waitingFor = waitingFor;
    this.publish();
  }

  setUser(guid: string): void {
    this.visible.userGuid = guid;
  }

  /**
   * The member to work on; `reused`: it existed before the run (the default, for a member named by the
   * caller); `startedJob`: creating it (or new credentials) started an aggregation.
   */
  setMember(guid: string, o: { reused: boolean; startedJob: boolean } = { reused: true, startedJob: false }): void {
    this.visible.memberGuid = guid;
    this.reused = o.reused;
    this.startedWithMember = o.startedJob;
  }

  /** ensureMember itself started an aggregation that still ran when it answered. */
  get memberStartedJob(): boolean {
    return this.startedWithMember;
  }

  setInstitution(code: string, name: string | null): void {
    this.visible.institutionCode = code;
    this.institution = name;
  }

  observe(member: MemberState): void {
    this.visible.connectionStatus = member.connectionStatus;
    this.visible.connectionStatusMessage = member.connectionStatusMessage;
    this.visible.isBeingAggregated = member.isBeingAggregated;
    this.publish();
  }

  /** The running job is the guide's own (adopted at the first status read). */
  adoptJob(): void {
    this.jobState = 'ours';
  }

  /** MX accepted the start of our job; `count` says which bound this fresh job counts against. */
  jobStarted(member: MemberState): void {
    this.counters.jobStarts += 1;
    this.jobState = 'ours';
    this.observe(member);
  }

  /** Counts a fresh job against its bound before it is started. */
  countFreshJob(count: StartCount): void {
    if (count) this.counters[count] += 1;
  }

  /** The next status read is scheduled at `at` (null once it happened). */
  pollScheduled(at: string | null): void {
    this.visible.deadlines.nextPollAt = at;
  }

  /** A status read happened: it becomes poll number `poll`. */
  polled(poll: number, member: MemberState): void {
    this.counters.polls = poll;
    this.visible.deadlines.nextPollAt = null;
    this.observe(member);
  }

  /** The last thing that went wrong, for the progress query (the run may still recover). */
  noteError(message: string): void {
    this.visible.lastError = message;
  }

  userRef(): { userGuid: string } {
    return { userGuid: this.required(this.visible.userGuid, 'user guid') };
  }

  memberRef(): { userGuid: string; memberGuid: string } {
    return { ...this.userRef(), memberGuid: this.required(this.visible.memberGuid, 'member guid') };
  }

  /** Runs one phase of the guide and records how long it took (workflow time, so replay-safe). */
  async phase<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } finally {
      const ms = Date.now() - started;
      this.phasesMs[name] = (this.phasesMs[name] ?? 0) + ms;
      log.debug('Phase ended', { phase: name, ms });
    }
  }

  carry(): CarriedState {
    const { userGuid, memberGuid } = this.memberRef();
    return {
      userGuid,
      memberGuid,
      memberReused: this.reused,
      institution: { code: this.required(this.visible.institutionCode, 'institution'), name: this.institution },
      startedAt: this.visible.startedAt,
      deadline: new Date(this.deadlineMs).toISOString(),
      ownJobStarted: this.jobState === 'ours',
      attempts: { ...this.counters },
      ignoredAnswers: this.mfa.ignoredAnswers,
      phasesMs: this.phasesMs,
      continuations: this.continuations + 1,
    };
  }

  private required(value: string | null, what: string): string {
    if (!value) throw new Error(`Bug: ${what} is not known yet at step ${this.visible.step}.`);
    return value;
  }

  /** Search attributes are upserted only when they change: each upsert is a history event. */
  private publish(): void {
    const p = this.visible;
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
    const p = this.visible;
    const mfa = this.mfa.view();
    const lines = [
      `**${p.step}**: ${p.waitingFor}`,
      '',
      `- user \`${p.userId}\`${p.userGuid ? ` (${p.userGuid})` : ''}`,
      `- institution \`${p.institutionCode ?? '?'}\`${p.memberGuid ? `, member ${p.memberGuid}` : ''}`,
      `- connection status: ${p.connectionStatus ?? 'unknown'}${p.isBeingAggregated ? ' (job running)' : ''}`,
      `- polls ${this.counters.polls}, job starts ${this.counters.jobStarts}, MFA rounds ${mfa.round}; deadline ${p.deadlines.overall}`,
    ];
    if (mfa.awaiting) {
      lines.push('', `**Waiting for MFA answers** (round ${mfa.round}, until ${mfa.deadline}):`);
      for (const c of mfa.challenges) lines.push(`- \`${c.guid}\` ${c.type}: ${c.label ?? c.fieldName ?? ''}`);
      lines.push(
        '',
        `Answer with \`temporal workflow update execute --workflow-id ${workflowInfo().workflowId} --name answerMfa --input '{"answers":[{"guid":"…","value":"…"}]}'\``,
      );
    }
    return lines.join('\n');
  }
}
