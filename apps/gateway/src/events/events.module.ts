import { Module } from '@nestjs/common';
import { EventStreams } from './event-streams';

/** Server-Sent Events from JetStream (EventStreams), for the task and run event routes. */
@Module({ providers: [EventStreams], exports: [EventStreams] })
export class EventsModule {}
