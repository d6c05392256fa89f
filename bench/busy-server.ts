// A bare uWebSockets.js HTTP server for the HTTP benchmark's open-loop baseline: every POST burns a set time of CPU
// (BUSY_US microseconds) and answers a JSON body of ANSWER_BYTES. Nothing else: no engine, no allocation to collect.
// At the CPU per request the decide route takes, it shows what this machine does with any server that busy, so the
// decide route's open-loop latency can be told apart from the machine's (bench/README.md).
import uWS from '@trufflesuite/uws-js-unofficial';

const busyUs = Number(process.env.BUSY_US ?? 0);
const answer = JSON.stringify({ pad: 'x'.repeat(Math.max(0, Number(process.env.ANSWER_BYTES ?? 1_600) - 10)) });

const app = uWS.App();
app.post('/*', (res) => {
  res.onAborted(() => {});
  res.onData((_chunk, isLast) => {
    if (!isLast) return;
    const until = performance.now() + busyUs / 1_000;
    while (performance.now() < until) {
      // busy: the decide route's CPU, without its allocations
    }
    res.cork(() => {
      res.writeStatus('200 OK').writeHeader('content-type', 'application/json').end(answer);
    });
  });
});
app.listen('127.0.0.1', 0, (socket) => {
  if (!socket) {
    process.stderr.write('busy-server: could not listen\n');
    process.exit(1);
  }
  process.stdout.write(`READY ${uWS.us_socket_local_port(socket)}\n`);
});
process.on('SIGTERM', () => process.exit(0));
