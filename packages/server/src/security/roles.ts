// The roles an API key carries, in order: each has everything the roles before it have.

/** Lowest first: channel (decide, events, outcomes) < agent (subscriber view, stream) < analyst (config read,
 * simulate) < admin (config write, keys). */
export const roles = ['channel', 'agent', 'analyst', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Readonly<Record<Role, number>> = { channel: 0, agent: 1, analyst: 2, admin: 3 };

/**
 * Whether a caller with `callerRole` may use a route that requires `requiredRole`.
 * @example roleAllows('analyst', 'agent') // true; roleAllows('agent', 'analyst') // false
 */
export function roleAllows(callerRole: Role, requiredRole: Role): boolean {
  return rank[callerRole] >= rank[requiredRole];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(rank, value);
}
