/**
 * One simulated clock for the whole process: `@sinonjs/fake-timers` replaces `Date`, `setTimeout` and
 * `setInterval`, so every timed part of the app (web trigger signatures, Xray tokens and budget windows, retry
 * sleeps, request timeouts, queue delays, KVS ttl, the search index lag) follows it without a change to the app.
 * `run` is a discrete-event scheduler: it lets every runnable task go until all of them wait on a timer, then
 * moves the clock to the next timer, and so on until the work is done. Nothing real is awaited in between (the
 * emulators are called in process), so a simulated hour takes as long as the work in it.
 */
import FakeTimers from '@sinonjs/fake-timers';

/** A running simulated clock. */
export interface SimClock {
  /** Simulated ms since the epoch. */
  now(): number;
  /**
   * Runs until `done()` holds after the process went idle, or `maxSimMs` of simulated time passed, or nothing is
   * left to wait for (the work was dropped: `stalled` tells); answers whether `done()` held.
   */
  run(done: () => boolean, maxSimMs: number): Promise<boolean>;
  /** Set when a run ended because nothing was left to wait for while the work was not done. */
  stalled: boolean;
  /** Puts the real timers back. */
  uninstall(): void;
}

// Captured before the fake timers are installed: the scheduler yields to the real event loop with it.
const realSetImmediate = setImmediate;

/** Lets every promise chain and stream that can run, run (each macrotask turn drains all microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Installs the simulated clock at `startMs`. Only one may be installed at a time. */
export function installSimClock(startMs: number): SimClock {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: startMs,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    // Sockets of earlier work (fetch keep-alive) clear their real timers through the faked clearTimeout.
    shouldClearNativeTimers: true,
  });
  return {
    now: () => clock.now,
    stalled: false,
    async run(done, maxSimMs) {
      const until = clock.now + maxSimMs;
      for (;;) {
        await settle();
        if (done()) return true;
        if (clock.countTimers() === 0) {
          this.stalled = true;
          return false;
        }
        clock.next();
        if (clock.now > until) return done();
      }
    },
    uninstall: () => clock.uninstall(),
  };
}
