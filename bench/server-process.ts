// Starts bench/server-child.ts in its own process and hands back where it listens, with a key to call it; and the
// bare busy server (bench/busy-server.ts) the open-loop cases compare with.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const BUSY = fileURLToPath(new URL('./busy-server.ts', import.meta.url));

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
export async function startServerProcess(
  subscribers = 20_000,
  nodeArgs: readonly string[] = [],
): Promise<ServerUnderTest> {
  const { line, pid, stop } = await startChild(CHILD, [String(subscribers)], nodeArgs);
  return { ...(JSON.parse(line) as Omit<ServerUnderTest, 'stop' | 'pid'>), pid, stop };
}

/** A bare uWS server (`busy-server.ts`) burning `busyUs` of CPU per POST and answering `answerBytes` of JSON. */
export interface BusyServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startBusyServer(busyUs: number, answerBytes = 1_600): Promise<BusyServer> {
  const env = { ...process.env, BUSY_US: String(busyUs), ANSWER_BYTES: String(answerBytes) };
  const { line, pid, stop } = await startChild(BUSY, [], [], env);
  return { url: `http://127.0.0.1:${line}`, pid, stop };
}

/**
 * The CPU time (user + system) a process has used so far, in microseconds, from `/proc/<pid>/stat` (Linux; clock
 * ticks of 10 ms, the kernel's USER_HZ of 100). Undefined where there is no such file.
 */
export function processCpuUs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Runs `file` through tsx in a child process; resolves with what it printed after `READY ` once it has. */
function startChild(
  file: string,
  args: readonly string[],
  nodeArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ line: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
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
      resolve({ line, pid: child.pid ?? 0, stop });
    };
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
}
