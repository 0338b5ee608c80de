import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort } from '@sluice/testing';
import { ROOT } from './isolated-env';

/**
 * One more process of a service, beside the ones the platform launcher started (a second replica,
 * or a replacement for one a test killed), logging into the suite's log with its name.
 */
export class ServiceProcess {
  readonly exited: Promise<unknown>;

  private constructor(
    readonly child: ChildProcess,
    readonly httpPort: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  /** `ports` default to free ones; give the platform's ports to replace a process that clients call. */
  static async start(service: string, name: string, env: Record<string, string>, log: WriteStream, ports?: { http: number; grpc: number }): Promise<ServiceProcess> {
    const [httpPort, grpcPort] = ports ? [ports.http, ports.grpc] : [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, `apps/${service}/dist/main.js`)], {
      cwd: ROOT,
      env: { ...process.env, ...env, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), OTEL_SERVICE_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => log.write(`${name.padEnd(12)}| ${chunk.toString()}`));
    const started = new ServiceProcess(child, httpPort);
    await eventually(() => fetch(`http://127.0.0.1:${httpPort}/health/ready`).then((r) => r.status, () => 0), (s) => s === 200, 60_000, 200);
    return started;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The value of one series of a counter or gauge on this process's /metrics (0 when absent). */
  async metric(name: string, labelsInclude = ''): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`).then((r) => r.text());
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labelsInclude));
    return Number(line?.split(' ').pop() ?? 0);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    await this.exited;
  }
}
