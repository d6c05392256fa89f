// Example 4: compile a json-rules-engine condition once, with a named condition and a custom operator, and test facts.
import { fileURLToPath } from 'node:url';
import { compileCondition, type Operator } from '@arbiter/engine';

export function main() {
  // A custom operator is registered exactly like the built-in ones.
  const startsWith: Operator = {
    name: 'startsWith',
    evaluate: (factValue, prefix) => typeof factValue === 'string' && factValue.startsWith(String(prefix)),
  };
  const isDutchMobile = compileCondition(
    {
      all: [
        { condition: 'postpaid' },
        { fact: 'msisdn', operator: 'startsWith', value: '+316' },
        { fact: 'consent', path: '$.sms', operator: 'equal', value: true },
      ],
    },
    {
      conditions: { postpaid: { all: [{ fact: 'planType', operator: 'equal', value: 'postpaid' }] } },
      operators: [startsWith],
    },
  );
  const yes = isDutchMobile({ planType: 'postpaid', msisdn: '+31612345678', consent: { sms: true } });
  const no = isDutchMobile({ planType: 'prepaid', msisdn: '+31612345678', consent: { sms: true } });
  console.log({ yes, no });
  return { yes, no };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
