// The worker's event settings from its configuration: MX webhooks on or off (and the fallback poll
// interval), and where outbound events go with which secret.
import type { EventDeps } from '../../activities/events';
import type { Config } from '../config';

export function eventDeps(config: Config): EventDeps {
  return {
    webhooks: config.webhooks.on,
    fallbackIntervalMs: config.webhooks.fallbackPollMs,
    url: config.events.url,
    secret: config.events.secret,
  };
}
