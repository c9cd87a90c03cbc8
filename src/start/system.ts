// Everything `npm start` runs, stopped in a safe order: the worker drains first (it still needs the
// server and MX), then the sandbox, support page and codec server, and the Temporal server last.
export interface Part {
  name: string;
  /** 0 worker, 1 everything that serves it, 2 the Temporal server. */
  phase: 0 | 1 | 2;
  stop(): Promise<void>;
  /** The second Ctrl-C: no waiting. */
  kill(): void;
}

export class System {
  private readonly parts: Part[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  add(part: Part): void {
    this.parts.push(part);
    // Started while stopping (a Ctrl-C during start-up): it missed its turn, so it goes now.
    if (this.stopping) void this.stopPart(part);
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  kill(): void {
    for (const part of this.parts) part.kill();
  }

  private async stopInOrder(): Promise<void> {
    for (const phase of [0, 1, 2] as const) {
      await Promise.all(this.parts.filter((part) => part.phase === phase).map((part) => this.stopPart(part)));
    }
  }

  private async stopPart(part: Part): Promise<void> {
    try {
      await part.stop();
      this.log(`Stopped the ${part.name}.`);
    } catch (err) {
      this.log(`Stopping the ${part.name} failed: ${(err as Error).message}`);
      part.kill();
    }
  }
}
