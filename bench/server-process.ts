// Starts bench/server-child.ts in its own process and hands back where it listens, with a key to call it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export interface ServerUnderTest {
  url: string;
  wsUrl: string;
  /** An agent key: it may decide (channel role) and subscribe. */
  key: string;
  subscribers: number;
  /** The child's process id (SIGUSR2 starts and stops a CPU profile when ARBITER_BENCH_PROFILE names a file). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The real server (`startServer`, demo population) on free ports, in a child process. `nodeArgs` go to its node
 * (`--cpu-prof` to profile it; the profile is written when it stops).
 */
export function startServerProcess(subscribers = 20_000, nodeArgs: readonly string[] = []): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, String(subscribers)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const line = /^READY (.*)$/m.exec(out)?.[1];
      if (line === undefined) return;
      child.stdout.off('data', onData);
      child.stdout.resume(); // anything printed later is dropped, not left to fill the pipe
      resolve({ ...(JSON.parse(line) as Omit<ServerUnderTest, 'stop' | 'pid'>), pid: child.pid ?? 0, stop });
    };
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code} before it was ready`)));
  });
}
