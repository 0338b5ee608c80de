import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RunAlreadyActiveError } from '@sluice/pipeline-runs';
import { toProblem } from '@sluice/runtime';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: string): unknown;
}

/** 409 problem+json with an extra `runId` member: the run of the pipeline that is already active. */
@Catch(RunAlreadyActiveError)
export class RunConflictFilter implements ExceptionFilter {
  catch(error: RunAlreadyActiveError, host: ArgumentsHost): void {
    const body = { ...toProblem(error), runId: error.runId };
    host.switchToHttp().getResponse<ReplyLike>().status(409).header('Content-Type', 'application/problem+json').send(JSON.stringify(body));
  }
}
