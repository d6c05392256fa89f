// The server under test for the HTTP and WebSocket benchmarks, in its own process so the load generator gets the other core.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { tuneGarbageCollection } from '../packages/server/src/runtime/gc-tuning.js';
import { startServer } from '../packages/server/src/serve.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
const count = Number(process.argv[2] ?? 20_000);

// The demo set-up `npm start` serves, minus what a benchmark must not measure: request logs and the file watch.
tuneGarbageCollection(); // as `arbiter serve` does
const server = await startServer({
  rulesDir: RULES,
  port: 0,
  population: { count, seed: 42 },
  apiKeys: 'demo',
  logger: false,
  requestLogging: false,
  watch: false,
});
const key = server.keys.find((k) => k.role === 'agent')?.key;
process.stdout.write(`READY ${JSON.stringify({ url: server.url, wsUrl: server.wsUrl, key, subscribers: count })}\n`);

// ARBITER_BENCH_PROFILE=<file>: SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it (only the measured window,
// not the start-up).
const profileFile = process.env.ARBITER_BENCH_PROFILE;
if (profileFile) {
  let session: Session | undefined;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!session) {
        session = new Session();
        session.connect();
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return;
      }
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      process.stdout.write('PROFILED\n');
    })();
  });
}

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
