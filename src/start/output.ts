// Where `npm start` writes. Its output may outlive its reader: `npm start | tee log` and then Ctrl-C
// (tee gets the SIGINT too and dies first: EPIPE), or a terminal that went away (SIGHUP, then EIO). A
// failed write must not end the process while it stops the children, so once the output is gone the
// lines are dropped and the stop goes on.
let gone = false;

export function keepGoingWithoutOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      gone = true;
    });
  }
}

/** Writes a line unless the output is gone. */
export function writeLine(line: string): void {
  if (!gone) console.log(line);
}
