/** Timing and memory helpers shared by the end-to-end benchmark. */
import { readFileSync } from "node:fs";

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) => percentile(values, 50);

export async function medianOf(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(work)).ms);
  return median(times);
}

/** A process and all its descendants, from /proc (Linux only). */
function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const task of readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, "utf8").trim().split(/\s+/)) {
        if (task) all.push(Number(task));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return all;
}

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory now and at its peak (VmHWM), summed over the process and its children, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const pids = processTree(pid);
  const sum = (field: "VmRSS" | "VmHWM") => pids.reduce((total, p) => total + statusField(p, field), 0) / 1024 / 1024;
  return { rssMb: sum("VmRSS"), peakMb: sum("VmHWM") };
}

/**
 * CPU time (user + system) the process and its children have used so far, in ms, from /proc/<pid>/stat
 * (clock ticks of 10 ms, the Linux default; differences over a few seconds of work are what is read).
 */
export function cpuTimeOf(pid: number): number {
  return processTree(pid).reduce((total, p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
      return total + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return total;
    }
  }, 0);
}
