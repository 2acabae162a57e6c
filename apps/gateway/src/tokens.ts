export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const KAFKA = Symbol('Kafka');
export const TOKEN_VERIFIER = Symbol('TokenVerifier');
export const DATABASE = Symbol('Database');
export const PATHWAY_CASES = Symbol('PathwayCases');
export const PERSON_VAULT = Symbol('PersonVault');
export const PAYLOAD_CODEC = Symbol('PayloadCodec');
