import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Readiness } from './readiness';

type GrpcServerLike = Parameters<HealthImplementation['addToServer']>[0];

/**
 * grpc.health.v1.Health backed by the service's readiness: the overall status ('') and each
 * named service answer SERVING only while every dependency answers and no shutdown is under way.
 */
export class GrpcHealth {
  private readonly implementation = new HealthImplementation();
  private readonly unsubscribe: () => void;

  constructor(
    readiness: Readiness,
    private readonly serviceNames: readonly string[],
  ) {
    this.setAll('NOT_SERVING');
    this.unsubscribe = readiness.onChange((report) => this.setAll(report.ready ? 'SERVING' : 'NOT_SERVING'));
  }

  addToServer(server: GrpcServerLike): void {
    this.implementation.addToServer(server);
  }

  close(): void {
    this.unsubscribe();
    this.setAll('NOT_SERVING');
  }

  private setAll(status: ServingStatus): void {
    this.implementation.setStatus('', status);
    for (const name of this.serviceNames) this.implementation.setStatus(name, status);
  }
}
