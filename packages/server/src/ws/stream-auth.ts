// Where the stream finds the API key at upgrade, and what each message type needs of the caller's role.
import type { ClientMessageType } from './stream-protocol.js';
import type { Role } from './stream-types.js';

/** The role each message needs: deciding is a channel's right, following a subscriber an agent's. */
export const streamMessageRoles: Readonly<Record<ClientMessageType, Role | undefined>> = {
  decide: 'channel',
  subscribe: 'agent',
  unsubscribe: undefined,
  ping: undefined,
};

const RANK: Readonly<Record<Role, number>> = { channel: 0, agent: 1, analyst: 2, admin: 3 };

/** channel < agent < analyst < admin; an unknown role (a key store returning garbage) is allowed nothing. */
export function defaultRoleAllows(callerRole: Role, requiredRole: Role): boolean {
  const rank = Object.hasOwn(RANK, callerRole) ? RANK[callerRole as Role] : -1;
  return rank >= RANK[requiredRole];
}

/**
 * The key from `authorization: Bearer <key>`, then `x-api-key`, then `?key=` (browsers cannot set headers on a
 * WebSocket; a key in the URL can end up in proxy logs, so prefer the headers where the client can set them).
 */
export function apiKeyFrom(authorization: string, xApiKey: string, queryKey: string): string | undefined {
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  if (xApiKey) return xApiKey.trim() || undefined;
  return queryKey || undefined;
}
