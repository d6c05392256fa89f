// Progress for long CLI work: a live line on a terminal, a line every 10 % otherwise (logs stay readable).

export interface Progress {
  update(done: number): void;
  done(total: number): void;
}

/** Writes progress to stderr so stdout stays clean for data. */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let lastDecile = -1;
  const line = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor((100 * done) / total)} %, ${rate.toLocaleString('en-US')}/s)`;
  };
  return {
    update(done) {
      if (stream.isTTY) stream.write(`\r${line(done)}`);
      else {
        const decile = Math.floor((10 * done) / total);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(`${line(done)}\n`);
        }
      }
    },
    done(count) {
      stream.write(
        `${stream.isTTY ? '\r' : ''}${line(count)} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },
  };
}
