import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { parseOrThrow, RunEventMessage, SUBJECTS, UnavailableError } from '@sluice/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { UpstreamCaller } from '../upstream/upstream-caller';
import { EventStreams } from './event-streams';
import { toRunView } from '../pipelines/run-view';
import { runHasEnded } from './run-ended';

const RunId = z.uuid({ error: 'must be a UUID' });
// `interrupted` is not final: another orchestrator resumes the run
const FINAL_EVENTS = new Set<RunEventMessage['type']>(['succeeded', 'failed', 'cancelled']);

@ApiTags('runs')
@Controller('v1/runs')
export class RunEventsController {
  constructor(
    @Inject(UpstreamCaller) private readonly upstream: UpstreamCaller,
    @Inject(EventStreams) private readonly events: EventStreams,
  ) {}

  @Get(':id/events')
  @ApiOperation({
    summary: 'Server-Sent Events: the run now (`state`), then its events (`queued`, `started`, `step`, `interrupted`, `resumed`, `succeeded`, `failed`, `cancelled`) until it ends',
    description: 'Each event `id` is its position in the event stream; reconnect with `Last-Event-ID` to resume after it. Quiet streams get a keep-alive comment every 15 s.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id' })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 404, description: 'no such run for this tenant' })
  async runEvents(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const runId = parseOrThrow(RunId, id, 'id');
    const { run } = await this.upstream.call('orchestrator', principal, (orchestrator, metadata) => orchestrator.getRun({ id: runId }, metadata));
    if (!run) throw new UnavailableError('the orchestrator answered without a run');
    const state = toRunView(run);
    await this.events.serve(request, reply, {
      subject: SUBJECTS.runEvents(run.id),
      schema: RunEventMessage,
      state: { event: 'state', data: state },
      ended: runHasEnded(state.status),
      isFinal: (event) => FINAL_EVENTS.has(event.type),
    });
  }
}
