/**
 * `npm run inbox -- --agency iom`: tails one agency's topic and prints one readable line per event, as the
 * agency's own consumer would receive them (malformed messages reported, duplicate ids dropped).
 *
 * The status lines (header, skipped messages, failures) go to stderr, the events to stdout, so
 * `--json | jq` sees only events. Exit codes: 0 stopped by Ctrl-C / SIGTERM, 1 Kafka failure, 2 usage.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AGENCY_IDS, agencyTopic, type AgencyId } from '../libs/contracts/src/index.js';
import {
  createAgencyInbox,
  createKafka,
  formatEvent,
  type AgencyInbox,
} from '../libs/messaging/src/index.js';

const OPTIONS = {
  agency: { type: 'string' },
  'from-beginning': { type: 'boolean' },
  group: { type: 'string' },
  brokers: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const defaultBrokers = (): string =>
  process.env['KAFKA_BROKERS']?.trim() || `127.0.0.1:${process.env['KAFKA_PORT']?.trim() || '9092'}`;

function usage(): string {
  return [
    'usage: npm run inbox -- --agency <agency> [--from-beginning] [--group <id>] [--brokers host:port,...] [--json]',
    '',
    `  --agency <agency>     whose topic to read (pathway.<agency>.v1): ${AGENCY_IDS.join(', ')}`,
    '  --from-beginning      start at the oldest retained event instead of only new ones',
    '  --group <id>          consumer group (default inbox-<agency>-<random>: a tail of its own, so it does not',
    "                        take partitions from the agency's real consumer, removed when it stops; a named group is",
    '                        kept and resumes where it left off)',
    `  --brokers <list>      comma-separated host:port (default KAFKA_BROKERS, else 127.0.0.1:$KAFKA_PORT or 9092,`,
    '                        the Kafka that `npm start` embeds); now: ' + defaultBrokers(),
    '  --json                print each event as one line of CloudEvents JSON',
    '  -h, --help            this text',
    '',
    'Events go to stdout, status lines to stderr. Duplicate event ids are dropped. Ctrl-C stops.',
  ].join('\n');
}

class UsageError extends Error {}

interface InboxCli {
  readonly agency: AgencyId;
  readonly brokers: readonly string[];
  readonly groupId: string;
  /** A group the caller named is kept for the next run; the default one is removed when the tail stops. */
  readonly keepGroup: boolean;
  readonly fromBeginning: boolean;
  readonly json: boolean;
}

function parseCli(argv: readonly string[]): InboxCli | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const valid = Object.keys(OPTIONS)
      .map((name) => `--${name}`)
      .join(', ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec((error as Error).message)?.[1] ?? 'given';
      throw new UsageError(`unknown option ${option} (valid: ${valid})`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument (options only; valid: ${valid})`);
    }
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return 'help';
  const agency = values.agency?.trim();
  if (agency === undefined || agency === '') {
    throw new UsageError(`--agency is required (one of: ${AGENCY_IDS.join(', ')})`);
  }
  if (!(AGENCY_IDS as readonly string[]).includes(agency)) {
    throw new UsageError(`unknown agency "${agency}" (one of: ${AGENCY_IDS.join(', ')})`);
  }
  const brokers = (values.brokers ?? defaultBrokers())
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const malformed = brokers.find((b) => !/^[^\s:/]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || malformed !== undefined) {
    throw new UsageError(
      `--brokers must be host:port[,host:port...]${malformed ? `, not "${malformed}"` : ''}`,
    );
  }
  const group = values.group?.trim();
  if (group === '') throw new UsageError('--group needs a name');
  return {
    agency: agency as AgencyId,
    brokers,
    groupId: group ?? `inbox-${agency}-${randomUUID().slice(0, 8)}`,
    keepGroup: group !== undefined,
    fromBeginning: values['from-beginning'] === true,
    json: values.json === true,
  };
}

const status = (line: string): void => {
  process.stderr.write(`inbox: ${line}\n`);
};

const unreachable = (brokers: readonly string[]): string =>
  `cannot reach Kafka at ${brokers.join(',')} (start it with \`npm start\`, or point --brokers or KAFKA_BROKERS at a running one)`;

async function main(cli: InboxCli): Promise<number> {
  const topic = agencyTopic(cli.agency);
  // Silent: kafkajs's own retry logs and stack traces are noise here; failures are reported below, once.
  const kafka = createKafka({ brokers: cli.brokers, clientId: 'pathway-inbox' }, { silent: true });

  status(
    `reading ${topic} from ${cli.brokers.join(',')} as group ${cli.groupId}, ` +
      `${cli.fromBeginning ? 'from the beginning' : 'new events only'} (Ctrl-C stops)`,
  );

  const admin = kafka.admin({ retry: { retries: 0 } });
  let topics: string[];
  /** Per partition, the offset after the last event there when the tail started (what "caught up" means). */
  let ends = new Map<number, bigint>();
  try {
    await admin.connect();
    topics = await admin.listTopics();
    if (topics.includes(topic)) {
      ends = new Map(
        (await admin.fetchTopicOffsets(topic))
          .filter((p) => BigInt(p.high) > BigInt(p.low))
          .map((p) => [p.partition, BigInt(p.high)]),
      );
    }
  } catch {
    status(unreachable(cli.brokers));
    return 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (!topics.includes(topic)) {
    status(
      `topic ${topic} does not exist on ${cli.brokers.join(',')} yet (the worker creates it when it starts)`,
    );
    return 1;
  }

  // Says once when everything that was on the topic at the start has been read (at once for new events only).
  const pending = new Map(cli.fromBeginning ? ends : []);
  let events = 0;
  const reached = (partition: number, offset: string): void => {
    const end = pending.get(partition);
    if (end !== undefined && BigInt(offset) + 1n >= end) {
      pending.delete(partition);
      if (pending.size === 0) caughtUp();
    }
  };
  const caughtUp = (): void => {
    status(`caught up (${events} event${events === 1 ? '' : 's'} read); waiting for new ones`);
  };

  let exit: ((code: number) => void) | undefined;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const state = { shuttingDown: false };
  const inbox: AgencyInbox = createAgencyInbox({
    kafka,
    agency: cli.agency,
    groupId: cli.groupId,
    fromBeginning: cli.fromBeginning,
    onEvent: (event, meta) => {
      process.stdout.write(`${cli.json ? JSON.stringify(event) : formatEvent(event)}\n`);
      events += 1;
      reached(meta.partition, meta.offset);
    },
    onDuplicate: (_event, meta) => {
      reached(meta.partition, meta.offset);
    },
    onInvalid: ({ topic: from, partition, offset, reason }) => {
      status(`skipped a malformed message at ${from}[${partition}]@${offset}: ${reason}`);
      reached(partition, offset);
    },
    onCrash: (error, restarting) => {
      if (restarting) {
        status(`the consumer failed (${error.message}); rejoining`);
        return;
      }
      status(`the consumer failed (${error.message}); is Kafka still up at ${cli.brokers.join(',')}?`);
      void shutdown(1);
    },
  });

  const shutdown = async (code: number): Promise<void> => {
    if (state.shuttingDown) return;
    state.shuttingDown = true;
    await inbox.stop().catch(() => undefined);
    if (!cli.keepGroup) {
      // A tail of its own leaves nothing behind (a named group keeps its offsets for the next run).
      const cleanup = kafka.admin({ retry: { retries: 1 } });
      await cleanup
        .connect()
        .then(() => cleanup.deleteGroups([cli.groupId]))
        .then(() => {
          status(`removed consumer group ${cli.groupId}`);
        })
        .catch((error: unknown) => {
          status(
            `could not remove consumer group ${cli.groupId}: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => cleanup.disconnect().catch(() => undefined));
    }
    exit?.(code);
  };
  const onSignal = (): void => {
    // A second Ctrl-C while disconnecting does not wait any longer.
    if (state.shuttingDown) process.exit(130);
    void shutdown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `| head` closed the pipe: nobody is reading any more.
  process.stdout.on('error', () => void shutdown(0));

  try {
    await inbox.start();
    if (pending.size === 0) caughtUp();
  } catch (error) {
    if (state.shuttingDown) return exited;
    status(
      error instanceof Error && /connect|broker/i.test(error.message)
        ? unreachable(cli.brokers)
        : `could not start reading ${topic}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  return exited;
}

let cli: InboxCli | 'help';
try {
  cli = parseCli(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`inbox: ${error.message}\n(npm run inbox -- --help shows every option)\n`);
  process.exit(2);
}
if (cli === 'help') {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}
main(cli).then(
  (code) => process.exit(code),
  (error: unknown) => {
    status(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
