// MFA rounds. Each round is the set of challenge guids MX asked for at once; answers are bound to that
// set, so an answer to an earlier (or not yet asked) challenge can never be applied to a later round.
// Answer values live only in workflow memory until resume; the progress query shows counts, not values.
import { ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import {
  answerMfaUpdate,
  mfaAnswersSignal,
  type AnswerMfaResult,
  type MfaAnswer,
  type MfaAnswers,
  type PendingChallenge,
  type Progress,
} from './messages';
import { FAILURES } from '../src/failures/catalogue';
import { secretProblem } from './secret-values';
import { undecodableReason } from './undecodable';

export class Mfa {
  challenges: PendingChallenge[] = [];
  deadline: string | null = null;
  /** The round whose answers were sent to MX and whose effect is not known yet. */
  awaitingEffectOf: number | null = null;
  private open = false;
  private answers = new Map<string, string>();
  private results = new Map<number, AnswerMfaResult>();
  /** Signals whose payload the worker could not decode: ignored, counted for the progress query. */
  private undecodableSignals = 0;

  constructor(
    /** The run's counters: MFA rounds are counted there, once. */
    private readonly counters: { mfaRounds: number },
    public ignoredAnswers: number,
  ) {}

  /** The current round (1-based), 0 before any challenge. */
  get round(): number {
    return this.counters.mfaRounds;
  }

  /** Call before the workflow's first await: MX answers may arrive at any time, even with no worker up. */
  install(): void {
    setHandler(mfaAnswersSignal, (payload) => this.record(payload));
    setHandler(
      answerMfaUpdate,
      async (payload) => {
        const round = this.round;
        this.record(payload);
        await condition(() => this.results.has(round));
        return this.results.get(round) as AnswerMfaResult;
      },
      { validator: (payload) => this.validate(payload) },
    );
  }

  view(): Progress['mfa'] & { ignoredAnswers: number; undecodableSignals: number } {
    return {
      awaiting: this.open,
      round: this.round,
      challenges: this.open ? this.challenges : [],
      deadline: this.open ? this.deadline : null,
      ignoredAnswers: this.ignoredAnswers,
      undecodableSignals: this.undecodableSignals,
    };
  }

  openRound(challenges: PendingChallenge[], deadline: string): number {
    this.counters.mfaRounds += 1;
    this.challenges = challenges;
    this.deadline = deadline;
    this.answers.clear();
    this.open = true;
    return this.round;
  }

  /** True once every challenge of the open round has an answer. */
  complete(): boolean {
    return this.open && this.challenges.every((c) => this.answers.has(c.guid));
  }

  /** Closes the round and hands its answers over, exactly once. */
  takeAnswers(): MfaAnswer[] {
    const answers = this.challenges.map((c) => ({ guid: c.guid, value: this.answers.get(c.guid) as string }));
    this.closeRound();
    this.awaitingEffectOf = this.round;
    return answers;
  }

  closeRound(): void {
    this.open = false;
    this.answers.clear();
  }

  /** Tells whoever answered the round (update callers) what MX did with the answers. */
  settle(result: Omit<AnswerMfaResult, 'round'>): void {
    if (this.awaitingEffectOf === null) return;
    this.results.set(this.awaitingEffectOf, { round: this.awaitingEffectOf, ...result });
    this.awaitingEffectOf = null;
  }

  /** Before the run ends: no update caller is left waiting, whatever happened. */
  settleAll(result: Omit<AnswerMfaResult, 'round'>): void {
    this.settle(result);
    if (!this.results.has(this.round)) this.results.set(this.round, { round: this.round, ...result });
    this.closeRound();
  }

  private record(payload: MfaAnswers): void {
    const undecodable = undecodableReason(payload);
    if (undecodable) {
      this.undecodableSignals += 1;
      log.warn('Ignored an mfaAnswers signal that could not be decoded', { reason: undecodable });
      return;
    }
    const answers = Array.isArray(payload?.answers) ? payload.answers : [];
    const pending = new Set(this.open ? this.challenges.map((c) => c.guid) : []);
    for (const answer of answers) {
      if (pending.has(answer?.guid) && typeof answer.value === 'string' && !secretProblem(answer.value)) {
        this.answers.set(answer.guid, answer.value);
      } else {
        this.ignoredAnswers += 1;
      }
    }
  }

  /** Synchronous on purpose: Temporal ignores a validator's returned promise. */
  private validate(payload: MfaAnswers): void {
    const reject = (message: string) => {
      throw ApplicationFailure.nonRetryable(message, FAILURES.mfaAnswerRejected.type);
    };
    const undecodable = undecodableReason(payload);
    if (undecodable)
      reject(
        `The answers could not be decoded (${undecodable}); nothing was applied. Send them again through the codec server or the support tool.`,
      );
    if (!this.open) reject('No MFA challenge is pending for this run; nothing to answer.');
    if (!payload || !Array.isArray(payload.answers) || payload.answers.length === 0) {
      reject('Expected {"answers":[{"guid":"CRD-…","value":"…"}]} with at least one answer.');
    }
    const pending = new Set(this.challenges.map((c) => c.guid));
    const given = new Set<string>();
    for (const answer of payload.answers) {
      if (typeof answer?.guid !== 'string' || typeof answer.value !== 'string' || answer.value === '') {
        reject('Every answer needs a string "guid" and a non-empty string "value".');
      }
      const problem = secretProblem(answer.value);
      if (problem) reject(`The answer to challenge ${answer.guid} ${problem}.`);
      if (!pending.has(answer.guid)) {
        reject(`Challenge ${answer.guid} is not part of the current MFA round ${this.round} (pending: ${[...pending].join(', ')}).`);
      }
      if (given.has(answer.guid)) reject(`Challenge ${answer.guid} is answered twice.`);
      given.add(answer.guid);
    }
    const missing = [...pending].filter((guid) => !given.has(guid));
    if (missing.length > 0) reject(`Missing answers for challenge(s) ${missing.join(', ')} of MFA round ${this.round}.`);
  }
}
