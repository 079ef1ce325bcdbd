/** What a process has cost, read from Linux's /proc. */
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
