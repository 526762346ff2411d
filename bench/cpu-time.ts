import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) this process has used so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * CPU time (ms) used so far by a process and every live descendant, read from /proc; undefined where there is no
 * /proc. The emulator runs under tsx's launcher, so the process doing the work is a child of the one we spawned.
 */
export function treeCpuMs(pid: number): number | undefined {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const child of children === '' ? [] : children.split(' ')) total += treeCpuMs(Number(child)) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of this process's children that have exited and been waited for (and of theirs), from /proc; 0
 * where there is no /proc. It counts a load generator once its run is over.
 */
export function reapedChildrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS; // cutime, cstime
  } catch {
    return 0;
  }
}
