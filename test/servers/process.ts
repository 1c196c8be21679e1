/**
 * Running commands with a bound on time: every command the harness runs ends
 * by itself or is killed (by its own process id) when its time is up.
 */
import { spawn } from 'child_process';

export interface RunOptions {
  /** Most time the command may take. @default 30000 */
  readonly timeoutMs?: number;
  /** Standard input. @default - none */
  readonly input?: string;
  /** Environment. @default - this process's */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve with a non-zero exit code instead of rejecting. @default false */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  /** Exit code; -1 when killed by a signal or at the timeout. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs `command args` to its end (or its timeout) and returns what it printed. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, timedOut };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else reject(new Error(`${command} ${args.join(' ')} ${timedOut ? `timed out after ${timeoutMs} ms` : `exited ${result.code}`}\n${stderr}${stdout}`));
    });
  });
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Calls `attempt` until it returns true, at most `tries` times, `intervalMs` apart,
 * and at most `timeoutMs` in all; returns whether it did.
 */
export async function poll(attempt: () => Promise<boolean>, tries: number, intervalMs: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < tries && Date.now() < deadline; i++) {
    if (await attempt()) return true;
    await sleep(intervalMs);
  }
  return false;
}
