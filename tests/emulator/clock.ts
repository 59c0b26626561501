/**
 * The emulator's time. Tokens, timestamps, the rate-limit bucket and the webhook retry schedule
 * all read it, so a test can run Shopify's 4-hour retry schedule or a throttling window without
 * waiting: it starts the emulator with a `ManualClock` and advances it.
 *
 * Real time is the default (the demo and e2e runs); a plain `() => Date` function is accepted
 * too (timers then wait in real time for the difference between that clock's now and the due
 * time).
 */

export interface EmulatorClock {
  now(): Date;
  /** Runs `fn` once `delayMs` of this clock's time has passed; returns a cancel function. */
  setTimer(delayMs: number, fn: () => void): () => void;
}

export class RealClock implements EmulatorClock {
  constructor(private readonly read: () => Date = () => new Date()) {}
  now(): Date {
    return this.read();
  }
  setTimer(delayMs: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  }
}

interface ManualTimer {
  seq: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. `advance` runs due timers in due order, each at its own
 * instant, and lets the promises they start (webhook deliveries) settle before moving on.
 */
export class ManualClock implements EmulatorClock {
  private t: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start: Date | string = "2026-07-01T09:00:00Z") {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  /** A `() => Date` view, for code that only reads time. */
  readonly read = (): Date => this.now();

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: ManualTimer = { seq: this.seq++, at: this.t + Math.max(0, delayMs), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet run, soonest first (for assertions and the script API). */
  pending(): { dueAt: string }[] {
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq).map((t) => ({ dueAt: new Date(t.at).toISOString() }));
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way. `settle` is awaited
   * after each timer so that work it started (an HTTP delivery) finishes at that instant.
   */
  async advance(ms: number, settle: () => Promise<void> = flushMicrotasks): Promise<void> {
    if (ms < 0) throw new Error("A clock cannot go backwards");
    const target = this.t + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }

  /** Jumps to a later instant (running timers due on the way). */
  async set(to: Date | string): Promise<void> {
    await this.advance(Math.max(0, new Date(to).getTime() - this.t));
  }
}

export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
