import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth-metadata';
import { StatusService } from './status.service';

@ApiTags('status')
@Controller('v1/status')
@RequireRole('admin')
export class StatusController {
  constructor(private readonly statusService: StatusService) {}

  /** Readiness and version of every service (admin). */
  @Get()
  @ApiOperation({ summary: 'Readiness and version of every service' })
  status() {
    return this.statusService.status();
  }
}
