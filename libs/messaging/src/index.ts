export * from './agency-inbox.js';
export * from './event-publisher.port.js';
export * from './kafka-event-publisher.js';
export * from './kafka.js';
