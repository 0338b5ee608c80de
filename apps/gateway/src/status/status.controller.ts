import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { StatusService } from './status.service';

@ApiTags('status')
@Controller('v1/status')
export class StatusController {
  constructor(private readonly statusService: StatusService) {}

  /** Readiness and version of every service. Admin-only once authentication lands. */
  @Get()
  @ApiOperation({ summary: 'Readiness and version of every service' })
  status() {
    return this.statusService.status();
  }
}
