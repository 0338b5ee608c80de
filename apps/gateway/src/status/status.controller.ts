import { Controller, Get } from '@nestjs/common';
import { StatusService } from './status.service';

@Controller('v1/status')
export class StatusController {
  constructor(private readonly statusService: StatusService) {}

  /** Readiness and version of every service. Admin-only once authentication lands. */
  @Get()
  status() {
    return this.statusService.status();
  }
}
