// What the sandbox remembers, separately for each client_id (as MX keeps clients apart): in memory, and
// as a snapshot that persistence.ts keeps on disk across restarts.
import type { Challenge } from './challenges';
import { guid, type GuidPrefix } from './ids';
import type { Outcome } from './mx-bank';

export interface User {
  guid: string;
  id: string | null;
  email: string | null;
  is_disabled: boolean;
  metadata: string | null;
}

export type JobType = 'aggregation' | 'statements';

/**
 * A running job. Each phase lasts a known time from `phaseStartedAt`, so the member's state is computed
 * from timestamps when someone looks (see lifecycle.ts): no timer per member.
 */
export interface Job {
  guid: string;
  type: JobType;
  phase: 'authenticating' | 'challenged' | 'resumed' | 'connected';
  phaseStartedAt: number;
  /** What happens when the current authenticating/resumed phase ends. */
  pendingOutcome: Outcome;
  /** MFA round, 1 for the first challenge; later rounds ask the follow-up question. */
  round: number;
  challenges: Challenge[];
  /** SHA-256 of the last accepted answers, so a retried identical resume is answered 202 again. */
  answersDigest: string | null;
}

export interface Account {
  guid: string;
  /** Position within the member: picks the account's kind and seeds its transactions. */
  index: number;
  memberGuid: string;
  userGuid: string;
  createdAt: number;
}

export interface Statement {
  guid: string;
  accountGuid: string;
  memberGuid: string;
  userGuid: string;
  /** The statement period, YYYY-MM. */
  month: string;
  createdAt: number;
}

export interface Member {
  guid: string;
  userGuid: string;
  institutionCode: string;
  /** credential guid -> value. Never logged, never returned. */
  credentials: Map<string, string>;
  id: string | null;
  metadata: string | null;
  backgroundAggregationIsDisabled: boolean;
  useCases: string[];
  connectionStatus: string;
  isAuthenticated: boolean;
  aggregatedAt: number | null;
  successfullyAggregatedAt: number | null;
  mostRecentJobGuid: string | null;
  job: Job | null;
  /** Null until a job first gets past authentication. */
  accounts: Account[] | null;
  /** The moment the member's data was aggregated: transaction dates count back from it. */
  dataAsOf: number | null;
  /** The moment of the latest aggregation after the first: the data shows the bank as of then (movement.ts). */
  refreshedAt?: number | null;
  statements: Statement[];
  /** X-CALLBACK-PAYLOAD of the last create/update that sent one: repeated on this member's webhooks. */
  callbackPayload?: string;
}

/** A client's store as JSON: maps become entry lists; everything else is plain data already. */
export interface SavedClient {
  created: number;
  users: User[];
  members: (Omit<Member, 'credentials'> & { credentials: [string, string][] })[];
}

export class ClientStore {
  readonly users = new Map<string, User>();
  readonly members = new Map<string, Member>();

  /**
   * `epoch` is random per state file and `created` continues from the file, so guids never repeat
   * across restarts, nor after the file is removed; in memory (tests) the epoch is empty and guids
   * repeat from run to run, which keeps failures reproducible.
   */
  constructor(
    readonly clientId: string,
    private readonly seed: number,
    private readonly epoch = '',
    private created = 0,
  ) {}

  static restore(clientId: string, seed: number, epoch: string, saved: SavedClient): ClientStore {
    const store = new ClientStore(clientId, seed, epoch, saved.created);
    for (const user of saved.users) store.users.set(user.guid, user);
    for (const member of saved.members) store.members.set(member.guid, { ...member, credentials: new Map(member.credentials) });
    return store;
  }

  snapshot(): SavedClient {
    return {
      created: this.created,
      users: [...this.users.values()],
      members: [...this.members.values()].map((member) => ({ ...member, credentials: [...member.credentials] })),
    };
  }

  /** A fresh guid: deterministic from the seed, the epoch, the client and how many were made before. */
  newGuid(prefix: GuidPrefix): string {
    this.created += 1;
    const key = `${this.clientId}:${this.created}`;
    return guid(prefix, this.seed, this.epoch ? `${this.epoch}:${key}` : key);
  }

  membersOf(userGuid: string): Member[] {
    return [...this.members.values()].filter((member) => member.userGuid === userGuid);
  }

  deleteUser(userGuid: string): void {
    for (const member of this.membersOf(userGuid)) this.members.delete(member.guid);
    this.users.delete(userGuid);
  }
}
