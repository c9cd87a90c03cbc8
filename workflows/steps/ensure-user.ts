// Guide step "Create a user": create-or-get by the partner id, so a retried run finds the same user.
import { mxShort } from '../activity-proxies';
import type { GuideRun } from '../guide-run';

export async function ensureUser(run: GuideRun): Promise<void> {
  run.step('ENSURING_USER', `Creating or finding MX user "${run.options.userId}".`);
  const user = await mxShort().ensureUser({
    id: run.options.userId,
    ...(run.options.userEmail ? { email: run.options.userEmail } : {}),
    ...(run.options.userMetadata ? { metadata: run.options.userMetadata } : {}),
  });
  run.setUser(user.guid);
}
