// The arbiter command line: validate a rules directory, generate a population, decide, run the demo.
import { Command, InvalidArgumentError } from 'commander';
import { decideCommand } from './decide-command.js';
import { demoCommand } from './demo-command.js';
import { generateCommand } from './generate-command.js';
import { validateCommand } from './validate-command.js';

const integer = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
  return n;
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
