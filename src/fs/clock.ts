// The default nanosecond clock of a ContainerFs.
//
// Date.now() only has millisecond resolution, so two writes in the same
// millisecond would get equal mtimes and tools like make could miss a
// change. performance.now() adds sub-millisecond precision where the
// platform allows it, and a per-clock tiebreak makes every reading strictly
// greater than the previous one. Each ContainerFs gets its own clock (no
// state shared between containers).

export type NsClock = () => bigint;

export function monotonicClock(): NsClock {
  let last = 0n;
  const perf = typeof performance !== 'undefined' ? performance : undefined;
  return () => {
    const ms = perf ? perf.timeOrigin + perf.now() : Date.now();
    // Split into whole ms and fraction so the bigint keeps full precision.
    const whole = Math.floor(ms);
    let t = BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
    if (t <= last) t = last + 1n;
    last = t;
    return t;
  };
}
