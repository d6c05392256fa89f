// The outbound channels a server gets when none are configured: each outbound channel of the contact policy
// writes its sends to the server log, so triggers work out of the box and every send can be seen.
import type { Channel, ConfigSnapshot } from '@arbiter/engine';
import { logChannel } from '../channels/index.js';
import type { RuntimeLogger } from './runtime-parts.js';

/**
 * A `logChannel` per outbound channel of `config` (sms, email, push in the demo playbook), each message logged at
 * info as `{ outbound: message }` through `logger()` (read at send time: the app swaps in its own logger).
 */
export function logChannels(config: ConfigSnapshot, logger: () => RuntimeLogger): Channel[] {
  const channels: Channel[] = [];
  for (const [name, policy] of config.policy.channels) {
    if (policy.direction !== 'outbound') continue;
    channels.push(
      logChannel({ name, log: (line) => logger().info({ outbound: JSON.parse(line) as unknown }, `sent on ${name}`) }),
    );
  }
  return channels;
}
