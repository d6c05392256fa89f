// Who is calling: the API key's id, role and name, as the auth plugin puts it on each request.
import type { Role } from './roles.js';

export interface Caller {
  /** The key id (the public part of the key, `ak_<id>_...`). */
  id: string;
  role: Role;
  /** What the key is for, given when it was created ("web channel", "alice"). */
  name: string;
}

/** How a caller is named in the audit log and logs: the name, and the key id that makes it unique. */
export function callerLabel(caller: Caller | undefined): string {
  if (!caller) return 'anonymous';
  return caller.name === caller.id ? caller.name : `${caller.name} (${caller.id})`;
}
