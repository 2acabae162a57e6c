export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const KAFKA = Symbol('Kafka');
