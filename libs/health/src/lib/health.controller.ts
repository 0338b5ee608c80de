import { Controller, Get, Inject, Res, SetMetadata } from '@nestjs/common';
import { PUBLIC_ROUTE } from '@sluice/contracts';
import { Readiness } from './readiness';

interface StatusSettable {
  status(code: number): unknown;
}

/**
 * Kubernetes-style probes. Liveness looks at the process only, never at dependencies, so an
 * outage elsewhere does not get healthy pods restarted. Responses carry no error text: they are
 * unauthenticated and must not reveal internal addresses.
 */
@Controller('health')
@SetMetadata(PUBLIC_ROUTE, true)
export class HealthController {
  constructor(@Inject(Readiness) private readonly readiness: Readiness) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: StatusSettable) {
    const report = await this.readiness.evaluate();
    res.status(report.ready ? 200 : 503);
    return {
      status: report.ready ? 'ready' : report.shuttingDown ? 'shutting down' : 'not ready',
      checks: Object.fromEntries(
        Object.entries(report.checks).map(([name, r]) => [name, { ok: r.ok, latencyMs: r.latencyMs }]),
      ),
    };
  }

  @Get('startup')
  startup(@Res({ passthrough: true }) res: StatusSettable) {
    const started = this.readiness.hasStarted;
    res.status(started ? 200 : 503);
    return { status: started ? 'started' : 'starting' };
  }
}
