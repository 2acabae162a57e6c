import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { CaseView } from '../../libs/contracts/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startGateway, type CallResult, type RunningGateway } from './gateway-harness.js';
import { KafkaReader } from './kafka-reader.js';

/** Bearer tokens of the agencies most e2e tests act as (real JWTs signed by the gateway's local keys). */
export interface AgencyTokens {
  readonly cmm: string;
  readonly dis: string;
  /** A police unit of this file's own (`E2eSystem.unit`): its cases are nobody else's. */
  readonly police: string;
  readonly iom: string;
}

export interface E2eSystem {
  /** The real worker and gateway on the run's Temporal and Kafka. */
  readonly gateway: RunningGateway;
  /** A consumer of `topics` from their end at the start (throws when the file asked for none). */
  readonly reader: KafkaReader;
  readonly tokens: AgencyTokens;
  /** This file's police unit (an organisation id no other file uses). */
  readonly unit: string;
}

export interface E2eSystemOptions {
  /** Topics to read from (a `KafkaReader` started before the first test). */
  readonly topics?: readonly string[];
  /** Gateway settings passed through to `startGateway`. */
  readonly gateway?: Pick<Parameters<typeof startGateway>[0], 'gatewayEnv' | 'workerProbe'>;
  /** Another Temporal (e.g. a time-skipping test server started in an earlier `beforeAll`). */
  readonly temporalAddress?: () => string;
}

/**
 * One e2e file's system, set up once before its tests and torn down after them: the real worker and
 * gateway on a task queue of its own, the agency tokens, and (if asked) a Kafka reader. Call it at the top
 * of a `describe`; read its fields inside tests and hooks.
 */
export function e2eSystem(name: string, options: E2eSystemOptions = {}): E2eSystem {
  const unit = `nec-${randomBytes(3).toString('hex')}`;
  let gateway: RunningGateway | undefined;
  let reader: KafkaReader | undefined;
  let tokens: AgencyTokens | undefined;

  beforeAll(async () => {
    gateway = await startGateway({
      temporalAddress: options.temporalAddress?.() ?? inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-${name}-${Date.now()}`,
      ...options.gateway,
    });
    if (options.topics !== undefined) {
      reader = new KafkaReader(
        createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: `e2e-${name}` }),
      );
      await reader.start(options.topics);
    }
    const [cmm, dis, police, iom] = await Promise.all([
      gateway.token('cmm', 'cmm'),
      gateway.token('dis', 'dis'),
      gateway.token('police', unit),
      gateway.token('iom', 'iom-dk'),
    ]);
    tokens = { cmm, dis, police, iom };
  });

  afterAll(async () => {
    await reader?.stop();
    await gateway?.close();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2eSystem('${name}'): no ${what} (before beforeAll?)`);
    return value;
  };
  return {
    get gateway() {
      return ready(gateway, 'gateway');
    },
    get reader() {
      return ready(reader, 'reader: pass `topics`');
    },
    get tokens() {
      return ready(tokens, 'tokens');
    },
    unit,
  };
}

/** The case view of a 200 answer (the body in the failure message otherwise). */
export function okView(result: CallResult): CaseView {
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as CaseView;
}
