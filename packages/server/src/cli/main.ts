// The arbiter command line: validate a rules directory, generate a population, decide, run the demo, import profiles,
// serve, and run campaigns.
import { Command, InvalidArgumentError, Option } from 'commander';
import { campaignRunCommand } from './campaign-command.js';
import { campaignListCommand, campaignStatusCommand } from './campaign-list.js';
import { decideCommand } from './decide-command.js';
import { demoCommand } from './demo-command.js';
import { generateCommand } from './generate-command.js';
import { importCommand } from './import-command.js';
import { rateLimitOption, serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

const integer = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
  return n;
};

const rejectLimit = (value: string) => {
  if (!/^\d+(\.\d+)?%$|^\d+$/.test(value.trim())) throw new InvalidArgumentError('a count (10) or a share (0.5%)');
  return value.trim();
};

const program = new Command()
  .name('arbiter')
  .description('Arbiter: real-time next-best-action decisioning for telecom operators')
  .showHelpAfterError();

program
  .command('validate')
  .description('check a rules directory and print every problem (file, path, reason)')
  .argument('[dir]', 'the rules directory', 'rules')
  .action(async (dir: string) => {
    process.exitCode = await validateCommand(dir);
  });

program
  .command('generate')
  .description('write a seeded synthetic population as JSON lines')
  .option('-n, --count <n>', 'how many subscribers', integer('count', 1), 10_000)
  .option('-s, --seed <n>', 'random seed', integer('seed', 0), 42)
  .option('-o, --out <file>', "output file, '-' for stdout", '-')
  .action(async (opts: { count: number; seed: number; out: string }) => {
    await generateCommand(opts);
  });

program
  .command('decide')
  .description('one explained decision for a story profile or a profile JSON file')
  .option('-r, --rules <dir>', 'the rules directory', 'rules')
  .option('-c, --channel <channel>', 'the channel', 'app')
  .option('--story <name>', 'a story profile: julia, household, renewal, frustrated, heavyUser')
  .option('--profile <file>', 'a profile JSON file')
  .option('--context <json>', 'the request context as JSON')
  .option('--limit <n>', 'how many actions', integer('limit', 1))
  .option('--now <iso>', 'decision time (ISO 8601)')
  .option('--json', 'print the decision as JSON')
  .action(async (opts) => {
    process.exitCode = await decideCommand(opts);
  });

program
  .command('import')
  .description('stream profiles from a CSV or JSONL file through a mapping into a store; rejected rows to a file')
  .argument('<file>', 'the CSV or JSONL file')
  .requiredOption('-m, --mapping <file>', 'the mapping file (YAML or JSON): columns to profile attributes')
  .addOption(
    new Option('-f, --format <format>', 'the input format (default: from the extension)').choices(['csv', 'jsonl']),
  )
  .option('--rejects <file>', 'where rejected rows go, as JSON lines (default: <name>.rejects.jsonl here)')
  .addOption(
    new Option('--unknown-columns <policy>', "overrides the mapping's unknownColumns").choices(['warn', 'reject']),
  )
  .option('--max-rejects <n|pct>', 'rejected rows tolerated before exit code 1, e.g. 10 or 0.5%', rejectLimit, '0')
  .option('--json', 'print the summary as JSON')
  .option('--redis <url>', 'import into Redis (e.g. redis://127.0.0.1:6379) instead of a dry run in memory')
  .option('--prefix <prefix>', 'Redis key prefix (default arbiter:)')
  .action(async (file: string, opts) => {
    process.exitCode = await importCommand(file, opts);
  });

program
  .command('serve')
  .description('serve the HTTP API, the WebSocket stream and /docs (demo mode: a generated population in memory)')
  .option('-r, --rules <dir>', 'the rules directory', 'rules')
  .option('-p, --port <n>', 'HTTP port (0: a free one)', integer('port', 0), 8080)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('-n, --count <n>', 'generated subscribers (without --redis)', integer('count', 0), 20_000)
  .option('-s, --seed <n>', 'random seed', integer('seed', 0), 42)
  .option('--redis <url>', 'keep profiles, contact history and decisions in Redis instead of memory')
  .option('--ws-port <n>', 'WebSocket port (default: HTTP port + 1)', integer('ws-port', 0))
  .option('--no-ws', 'no WebSocket stream')
  .option('--no-watch', 'do not reload the config when a rules file changes')
  .option('--runs <dir>', 'where campaign run directories live', 'runs')
  .option('--no-schedule', 'do not start campaigns at their scheduled times')
  .option('--cors <origins>', "origins allowed from browsers: comma-separated, or '*'")
  .option('--keys-file <file>', 'keep API key hashes in this file across restarts')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
  .option('--no-auth', 'do not require API keys (a local demo only: every request acts as an admin)')
  .option(
    '--rate-limit <max/window>',
    "requests per API key per window, e.g. 600/1m; 'off' for none",
    (value: string) => {
      try {
        rateLimitOption(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
      return value;
    },
    '5000/1s',
  )
  .action(async (opts) => {
    await serveCommand(opts);
  });

const campaign = program
  .command('campaign')
  .description('campaigns: list them, run one (or a dry run), follow and resume runs');

campaign
  .command('list')
  .description('the campaigns of a rules directory: channel, segment, schedule and next run, limits, last run')
  .option('-r, --rules <dir>', 'the rules directory', 'rules')
  .option('--runs <dir>', 'where run directories live', 'runs')
  .option('--json', 'print them as JSON')
  .action(async (opts) => {
    process.exitCode = await campaignListCommand(opts);
  });

campaign
  .command('run')
  .description('run a campaign over a generated population (or the Redis stores) and print the report')
  .argument('<id>', 'the campaign id (arbiter campaign list)')
  .option('-r, --rules <dir>', 'the rules directory', 'rules')
  .option('--runs <dir>', 'where run directories live', 'runs')
  .option('--dry-run', 'decide and write the results, reserve nothing, send nothing')
  .option('--resume <runId>', 'carry on a cancelled or failed run from its checkpoint')
  .option('--shared <runId>', 'join (or start) run <runId>, split across every process given it (needs --redis)')
  .option('--workers <n>', 'worker threads (default: one per CPU; 0: decide on the main thread)', integer('workers', 0))
  .option('-n, --count <n>', 'generated subscribers (without --redis)', integer('count', 0), 20_000)
  .option('-s, --seed <n>', 'random seed', integer('seed', 0), 42)
  .option('--redis <url>', 'run over the profiles and contact history in Redis')
  .option('--prefix <prefix>', 'Redis key prefix (default arbiter:)')
  .option('--now <iso>', 'run as if it were this time (decision time, send window, caps); the clock moves on from it')
  .option('--json', 'print the report as JSON')
  .action(async (id: string, opts) => {
    process.exitCode = await campaignRunCommand(id, opts);
  });

campaign
  .command('status')
  .description("every run in the runs directory, or one run's progress or report")
  .argument('[runId]', 'a run id (arbiter campaign status lists them)')
  .option('--runs <dir>', 'where run directories live', 'runs')
  .option('--json', 'print as JSON')
  .action(async (runId: string | undefined, opts) => {
    process.exitCode = await campaignStatusCommand(runId, opts);
  });

program
  .command('demo', { isDefault: true })
  .description('decide for a generated population on the demo playbook and print a summary')
  .option('-r, --rules <dir>', 'the rules directory', 'rules')
  .option('-n, --count <n>', 'how many subscribers', integer('count', 1), 20_000)
  .option('-s, --seed <n>', 'random seed', integer('seed', 0), 42)
  .option('--now <iso>', 'decision time for the whole run (ISO 8601)')
  .action(async (opts: { rules: string; count: number; seed: number; now?: string }) => {
    await demoCommand(opts);
  });

await program.parseAsync();
