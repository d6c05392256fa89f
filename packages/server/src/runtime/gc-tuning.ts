// V8 settings for a long-running server process: set once, before the first request.
import { setFlagsFromString } from 'node:v8';

let tuned = false;

/**
 * Turns off V8's allocation-site pretenuring for the whole process (`--no-allocation-site-pretenuring`). V8 watches
 * how many objects from each allocation site outlive a young collection and, past a threshold, allocates that
 * site's objects straight in the old generation from then on. A burst of requests in flight (a warm-up, a stall)
 * is enough to tip the sites of Node's HTTP request and response objects and of the decision path: after that each
 * request leaves several kilobytes for the major collector, which then ran every 0.7 to 3 s at full load (heap 170 MB
 * down to 40 MB each time) instead of every 30 s or more. Whether it tipped varied from run to run, which was most of
 * the run-to-run spread of the HTTP benchmark (bench/README.md). Call it at the start of a server process, before
 * the sites have had a chance to tip: `arbiter serve` does; an application embedding `startServer` should too.
 *
 * @example tuneGarbageCollection(); const server = await startServer(options);
 */
export function tuneGarbageCollection(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
