import { SluiceError, type FieldViolation } from '@sluice/contracts';

/** A scrape job that can never run as given (bad selector, no crawlable start URL): the task fails at once. */
export class InvalidCrawlSpecError extends SluiceError {
  constructor(message: string, violations: readonly FieldViolation[] = []) {
    super('INVALID_ARGUMENT', message, violations);
  }
}

/** The crawl of a task belongs to another tenant than the message or caller says. */
export class CrawlTenantMismatchError extends SluiceError {
  constructor(taskId: string) {
    super('NOT_FOUND', `crawl of task ${taskId} not found`);
  }
}
