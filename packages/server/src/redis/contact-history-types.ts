// The engine's reserve types, named for the Redis stores (derived from the public ContactHistory contract).
import type { ContactHistory } from '@arbiter/engine';

type Reserve = NonNullable<ContactHistory['reserve']>;

/** One limit to check when reserving a contact: the engine's `CapSpec` (`policy.capsFor(candidate, channel)`). */
export type CapSpec = Parameters<Reserve>[1][number];

/** `{ ok: true }`, or the limit that refused with its count and max: the engine's `ReserveResult`. */
export type ReserveResult = Awaited<ReturnType<Reserve>>;
