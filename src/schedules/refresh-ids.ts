// Names derived from the member, shared by the workflow, the schedule CLI and the tests. Pure (the
// workflow sandbox imports it): one refresh workflow id and one schedule id per member.

/** The workflow id of a member's refresh: a second start while one runs is refused by Temporal. */
export function refreshWorkflowId(userId: string, memberGuid: string): string {
  return `refresh-member-${userId}-${memberGuid}`;
}

/** The member's schedule (scheduled runs get this id plus the scheduled time, as Temporal does). */
export function refreshScheduleId(userId: string, memberGuid: string): string {
  return `refresh-${userId}-${memberGuid}`;
}

/** Outcomes after which nothing changes until the user acts: the schedule pauses itself. */
export const NEEDS_USER_OUTCOMES = [
  'NEEDS_NEW_CREDENTIALS',
  'ACTION_REQUIRED_AT_INSTITUTION',
  'MFA_TIMEOUT',
  'MFA_REJECTED',
  'MFA_EXPIRED',
] as const;

export function refreshNeedsUser(type: string | undefined | null): boolean {
  return (NEEDS_USER_OUTCOMES as readonly string[]).includes(type ?? '');
}
