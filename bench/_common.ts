/** Helpers the API and engine benchmarks share: their numeric options, medians, and a process's CPU from /proc. */
import { readFileSync } from 'node:fs';

/** CPU milliseconds a process has used so far (user and system), or null where it cannot be read. */
export function cpuMsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Clock ticks are 1/100 s on Linux.
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** The positive number after `--name` in the arguments, else `fallback`. */
export function numberArg(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The median (the upper one of an even count), 0 for none. */
export const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
