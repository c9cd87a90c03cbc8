// Everything a running sandbox holds: the per-client stores, the fault and label knobs, and the
// rendered statements (small tails and hashes; the big padding is never stored). The stores can start
// from a saved snapshot and give one back (persistence.ts); knobs and rendered statements are not kept.
import { notFound } from './errors';
import { Faults, type FaultOptions } from './faults';
import { advance, type LifecycleContext, type SandboxEvent } from './lifecycle';
import type { SavedState } from './persistence';
import { statementContent } from './statement-content';
import { type RenderedStatement, StatementPdfs } from './statement-pdf';
import { ClientStore, type Member, type Statement, type User } from './store';
import type { TransactionContext } from './transactions';

export interface SandboxSettings {
  seed: number;
  jobDurationMs: number;
  challengeExpiryMs: number;
  transactionsPerAccount: number;
  statementBytes: number;
  faults: FaultOptions;
  challengeLabel: string | undefined;
}

export class SandboxState {
  readonly faults: Faults;
  readonly pdfs: StatementPdfs;
  readonly lifecycle: LifecycleContext;
  challengeLabel: string | undefined;
  private readonly stores = new Map<string, ClientStore>();
  private readonly rendered = new Map<string, Promise<RenderedStatement>>();

  private readonly guidEpoch: string;

  /** `saved`: the snapshot to continue from (its seed must be settings.seed); none: memory only. */
  constructor(
    readonly settings: SandboxSettings,
    onEvent: (event: SandboxEvent, store: ClientStore) => void,
    saved?: SavedState,
  ) {
    this.guidEpoch = saved?.guidEpoch ?? '';
    for (const [clientId, client] of Object.entries(saved?.clients ?? {})) {
      this.stores.set(clientId, ClientStore.restore(clientId, settings.seed, this.guidEpoch, client));
    }
    this.faults = new Faults(settings.seed, settings.faults);
    this.pdfs = new StatementPdfs(settings.seed, settings.statementBytes);
    this.challengeLabel = settings.challengeLabel;
    this.lifecycle = {
      jobDurationMs: settings.jobDurationMs,
      challengeExpiryMs: settings.challengeExpiryMs,
      emit: onEvent,
    };
  }

  /** How far the sandbox's clock runs ahead of the machine's (PUT /_sandbox/clock): simulated days. */
  private clockOffsetMs = 0;

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the sandbox's clock forward (never back: MX's data does not un-happen). */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the clock only moves forward: ${ms} ms is not a duration >= 0`);
    this.clockOffsetMs += ms;
  }

  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  store(clientId: string): ClientStore {
    let store = this.stores.get(clientId);
    if (!store) {
      store = new ClientStore(clientId, this.settings.seed, this.guidEpoch);
      this.stores.set(clientId, store);
    }
    return store;
  }

  snapshot(): SavedState {
    const clients = Object.fromEntries([...this.stores].map(([clientId, store]) => [clientId, store.snapshot()]));
    return { version: 1, seed: this.settings.seed, guidEpoch: this.guidEpoch, clients };
  }

  user(store: ClientStore, userGuid: string): User {
    const user = store.users.get(userGuid);
    if (!user) throw notFound(`user ${userGuid} was not found`);
    return user;
  }

  /** The member, with every due transition applied. */
  member(store: ClientStore, userGuid: string, memberGuid: string): Member {
    this.user(store, userGuid);
    const member = store.members.get(memberGuid);
    if (!member || member.userGuid !== userGuid) throw notFound(`member ${memberGuid} was not found for user ${userGuid}`);
    advance(this.lifecycle, store, member, this.now());
    return member;
  }

  /** Moves every member's clock forward: lets webhooks fire while nobody polls. */
  advanceAll(): void {
    const now = this.now();
    for (const store of this.stores.values()) {
      for (const member of store.members.values()) advance(this.lifecycle, store, member, now);
    }
  }

  transactionContext(store: ClientStore, userGuid: string): TransactionContext {
    return { seed: this.settings.seed, perAccount: this.settings.transactionsPerAccount, userId: store.users.get(userGuid)?.id ?? null };
  }

  renderStatement(store: ClientStore, member: Member, statement: Statement): Promise<RenderedStatement> {
    let rendered = this.rendered.get(statement.guid);
    if (!rendered) {
      rendered = this.pdfs.render(statementContent(this.transactionContext(store, member.userGuid), member, statement));
      this.rendered.set(statement.guid, rendered);
    }
    return rendered;
  }
}
