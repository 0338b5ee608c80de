import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RunCoordinator } from '@sluice/pipeline-runs';

/**
 * Starts looking for runs to resume once the application is up; on shutdown (before connections
 * close) stops dispatching, marks this replica's runs INTERRUPTED and hands their locks back.
 */
@Injectable()
export class RunCoordinatorLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(RunCoordinator) private readonly coordinator: RunCoordinator) {}

  onApplicationBootstrap(): void {
    this.coordinator.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.coordinator.stop();
  }
}
