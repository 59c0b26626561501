import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * A script of the app run in a process of its own (a web process, a job worker), for the tests
 * that kill one with SIGKILL and start it again. Node itself runs the script with tsx's loader
 * (the tsx CLI would run it in a grandchild that a SIGKILL of the CLI leaves running), so no
 * build is needed. The script prints `ready` once it serves.
 */
export interface ChildProcessHandle {
  readonly child: ChildProcess;
  /** Everything it printed, for the message of a failing test. */
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no clean-up of any kind, as when the machine or the container dies. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, and the exit. */
  stop(): Promise<void>;
  /** The process's peak resident set size (Linux: VmHWM), in bytes; null where unknown. */
  peakRss(): Promise<number | null>;
}

export async function startChildProcess(script: string, args: string[], env: Record<string, string | undefined>, options: { readyTimeoutMs?: number } = {}): Promise<ChildProcessHandle> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: path.resolve("."),
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output.join("")}`)), options.readyTimeoutMs ?? 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
      if (/^ready$/m.test(output.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${how.signal ?? `code ${how.code}`}) before it was ready:\n${output.join("")}`));
    });
  });
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  await ready;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output,
    exited,
    kill: async () => {
      if (!gone()) child.kill("SIGKILL");
      return exited;
    },
    stop: async () => {
      if (!gone()) child.kill("SIGTERM");
      const how = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
      if (!how) child.kill("SIGKILL");
      await exited;
    },
    peakRss: async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, "utf8");
        const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
        return kb ? Number(kb) * 1024 : null;
      } catch {
        return null;
      }
    },
  };
}
