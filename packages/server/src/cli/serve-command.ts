// `arbiter serve`: the HTTP API, the WebSocket stream and the docs on the demo playbook (what `npm start` runs),
// printing the URLs and the keys, and shutting down gracefully on SIGTERM or SIGINT.
import { errorMessage } from '@arbiter/engine';
import { campaignService } from '../campaigns/campaign-service.js';
import { tuneGarbageCollection } from '../runtime/gc-tuning.js';
import { parseWindow } from '../security/rate-limiter.js';
import { type RunningServer, type ServeOptions, startServer } from '../serve.js';

export interface ServeCommandOptions {
  rules: string;
  port: number;
  host: string;
  count: number;
  seed: number;
  redis?: string;
  wsPort?: number;
  ws: boolean;
  watch: boolean;
  /** Where campaign run directories live. */
  runs: string;
  /** False with --no-schedule: campaigns start only when asked. */
  schedule: boolean;
  cors?: string;
  keysFile?: string;
  logLevel: string;
  auth: boolean;
  /** `<max>/<window>` per API key (e.g. `600/1m`), or `off`. */
  rateLimit?: string;
}

/**
 * Starts the server and resolves once it listens. SIGTERM/SIGINT stop it: no new requests, in-flight ones finish,
 * buffered outcomes are flushed, then exit 0 (1 if the shutdown failed). A server that cannot start (a bad config, a
 * port in use, Redis away) says why, sets exit code 1 and resolves undefined.
 */
export async function serveCommand(
  options: ServeCommandOptions,
  out: (line: string) => void = console.log,
): Promise<RunningServer | undefined> {
  tuneGarbageCollection();
  const serve: ServeOptions = {
    rulesDir: options.rules,
    port: options.port,
    host: options.host,
    redis: options.redis,
    wsPort: options.ws ? options.wsPort : false,
    watch: options.watch,
    runsDir: options.runs,
    schedule: options.schedule,
    logger: { level: options.logLevel },
    auth: { required: options.auth, ...rateLimitOption(options.rateLimit) },
    keysFile: options.keysFile,
    keysPepper: process.env.ARBITER_KEY_PEPPER,
  };
  // Demo mode: a generated population in memory. With Redis, the profiles are whatever was imported there.
  if (!options.redis) serve.population = { count: options.count, seed: options.seed };
  if (options.cors)
    serve.cors = { origins: options.cors === '*' ? true : options.cors.split(',').map((o) => o.trim()) };
  let server: RunningServer;
  try {
    server = await startServer(serve);
  } catch (error) {
    console.error(`arbiter serve: could not start: ${startError(error, options)}`);
    process.exitCode = 1;
    return undefined;
  }
  out(banner(server, options));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: stopping (in-flight requests finish, buffered outcomes are flushed)...`);
    server.close().then(
      () => {
        out('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`shutdown failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return server;
}

function startError(error: unknown, options: ServeCommandOptions): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${options.port} (or the stream's) is in use; try --port <another>`;
  const problems = (error as { problems?: { file: string; path: string; code: string; message: string }[] }).problems;
  if (Array.isArray(problems)) {
    return ['the config is invalid:', ...problems.map((p) => `  ${p.file}:${p.path} ${p.code} ${p.message}`)].join(
      '\n',
    );
  }
  return errorMessage(error);
}

function banner(server: RunningServer, options: ServeCommandOptions): string {
  const config = server.runtime.config.current();
  const profiles = options.redis
    ? `profiles in Redis (${options.redis})`
    : `${options.count.toLocaleString('en-US')} generated subscribers in memory (seed ${options.seed}) + the 5 story subscribers`;
  const lines = [
    `Arbiter server on ${options.rules} version ${config.version}: ${config.actions.length} actions, ${profiles}`,
    '',
    `  API        ${server.url}`,
    `  Docs       ${server.docsUrl}   (OpenAPI: ${server.docsUrl}/json)`,
    `  Metrics    ${server.metricsUrl}`,
    `  Campaigns  ${server.campaignsUrl}   (runs in ${options.runs}/, ${scheduleNote(server, options)})`,
    `  WebSocket  ${server.wsUrl ?? '(off)'}`,
  ];
  if (server.keys.length > 0) {
    const demo = !options.redis;
    lines.push(
      '',
      demo
        ? 'DEMO API keys (made at start, shown once, valid until this process stops; not for production):'
        : 'Bootstrap admin key (shown once; create the other keys with POST /v1/keys):',
    );
    for (const key of server.keys) {
      lines.push(`  export ARBITER_${key.role.toUpperCase()}_KEY=${key.key}   # ${key.name}`);
    }
  }
  if (!options.auth) lines.push('', 'API keys are NOT required (--no-auth): every request acts as an admin.');
  lines.push(
    '',
    'Try:',
    `  curl -s ${server.url}/v1/decisions -H "x-api-key: $ARBITER_CHANNEL_KEY" -H 'content-type: application/json' \\`,
    `    -d '{"subscriberId":"SUB-90000001","channel":"app","explain":true}'`,
    '',
    'Ctrl-C (SIGINT) or SIGTERM stops it gracefully.',
  );
  return lines.join('\n');
}

/** `600/1m` -> { rateLimit: { max: 600, timeWindow: '1m' } }; `off` or nothing -> no limit. */
export function rateLimitOption(text: string | undefined): { rateLimit?: { max: number; timeWindow: string } } {
  if (!text || text === 'off') return {};
  const match = /^(\d+)\/(\S+)$/.exec(text);
  const max = Number(match?.[1]);
  if (!match || !Number.isInteger(max) || max < 1) {
    throw new Error(`--rate-limit must look like 600/1m (requests per API key per window) or off, got "${text}"`);
  }
  parseWindow(match[2]!);
  return { rateLimit: { max, timeWindow: match[2]! } };
}

/** `scheduled: fiber-upgrade-autumn 2026-11-23T09:00:00.000Z, ...`, or why nothing is. */
function scheduleNote(server: RunningServer, options: ServeCommandOptions): string {
  if (!options.schedule) return 'schedule off (--no-schedule)';
  const next = [...campaignService(server.runtime).scheduled()].sort((a, b) => a[1] - b[1]);
  if (next.length === 0) return 'no campaign is scheduled';
  const [id, at] = next[0]!;
  return `${next.length} scheduled; next: ${id} at ${new Date(at).toISOString()}`;
}
