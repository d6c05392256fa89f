// Reads and writes of a subscriber in flight to Redis, so an answer overtaken by a newer change is never cached.

/** One read or write in flight: whose, and the change count when it started. */
export interface Ticket {
  readonly subscriberId: string;
  readonly started: number;
}

interface Flights {
  count: number;
  /** The change count of the last change that overtook the flights still out. */
  supersededAt: number;
  /** The read later gets for this subscriber join, until a change makes its answer old. */
  read?: Promise<unknown>;
  readTicket?: Ticket;
}

/**
 * Bookkeeping per subscriber with something in flight (entries go when the last flight lands, so it stays small).
 * The race it closes: a GET answered just before another process's SET can arrive after that process's
 * invalidation message; without this, the old value would be cached until the max age.
 */
export class InFlight {
  private changes = 0;
  private readonly active = new Map<string, Flights>();

  begin(subscriberId: string): Ticket {
    let flights = this.active.get(subscriberId);
    if (!flights) {
      flights = { count: 0, supersededAt: -1 };
      this.active.set(subscriberId, flights);
    }
    flights.count++;
    return { subscriberId, started: this.changes };
  }

  /** Lands a flight; true if nothing overtook it (its answer may be cached). */
  end(ticket: Ticket): boolean {
    const flights = this.active.get(ticket.subscriberId);
    if (!flights) return true;
    const current = flights.supersededAt <= ticket.started;
    if (flights.readTicket === ticket) {
      flights.read = undefined;
      flights.readTicket = undefined;
    }
    if (--flights.count === 0) this.active.delete(ticket.subscriberId);
    return current;
  }

  /** A change to this subscriber happened: flights already out must not cache, and later reads must not join them. */
  supersede(subscriberId: string): void {
    this.changes++;
    const flights = this.active.get(subscriberId);
    if (!flights) return;
    flights.supersededAt = this.changes;
    flights.read = undefined;
    flights.readTicket = undefined;
  }

  /** Lets later reads of the subscriber join this one. */
  share(ticket: Ticket, read: Promise<unknown>): void {
    const flights = this.active.get(ticket.subscriberId);
    if (!flights || flights.supersededAt > ticket.started) return;
    flights.read = read;
    flights.readTicket = ticket;
  }

  /** The read in flight for this subscriber that is still current, if any. */
  shared<T>(subscriberId: string): Promise<T> | undefined {
    return this.active.get(subscriberId)?.read as Promise<T> | undefined;
  }
}
