// The API keys a server makes as it starts: a bootstrap admin key (and in demo mode one key per role), shown once.
import type { ApiKeyStore, CreatedApiKey } from '../security/api-keys.js';
import type { Role } from '../security/roles.js';

/**
 * `demo`: an admin key plus one for analyst, agent and channel, named as demo keys. `bootstrap`: one admin key, only
 * when the store holds none (a first start). A list: those keys. `none`: no key.
 */
export type StartupKeys = 'demo' | 'bootstrap' | 'none' | readonly { role: Role; name: string }[];

const DEMO: readonly { role: Role; name: string }[] = [
  { role: 'admin', name: 'bootstrap admin (demo key)' },
  { role: 'analyst', name: 'analyst (demo key)' },
  { role: 'agent', name: 'agent desktop (demo key)' },
  { role: 'channel', name: 'channel (demo key)' },
];

/**
 * Creates the startup keys and returns them with their secrets (the only time they are seen). Random keys, even in
 * demo mode: a demo reachable from elsewhere must not open with a key anyone could read in the docs.
 *
 * @example const [admin] = startupKeys(runtime.keys, 'bootstrap');
 */
export function startupKeys(keys: ApiKeyStore, spec: StartupKeys): CreatedApiKey[] {
  if (spec === 'none') return [];
  if (spec === 'bootstrap') return keys.size === 0 ? [keys.create('admin', 'bootstrap admin')] : [];
  return (spec === 'demo' ? DEMO : spec).map(({ role, name }) => keys.create(role, name));
}
