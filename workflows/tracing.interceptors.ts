import type {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type {
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header Temporal's OpenTelemetry client interceptor puts the caller's trace in. */
const TRACE_HEADER = '_tracer-data';

type OpenTelemetryWorkflowInterceptors =
  typeof import('@temporalio/interceptors-opentelemetry/lib/workflow/index.js');

/**
 * Temporal's OpenTelemetry workflow module, evaluated only when a traced run needs it. The sandbox evaluates a
 * workflow's modules once for every case it caches; this one, with the OpenTelemetry SDK it loads, cost about
 * 200 KB per cached case even in runs that never used it (ADR 0022). `require` here is webpack's: the module
 * is in the bundle, evaluated on this call, once per run.
 */
function openTelemetry(): OpenTelemetryWorkflowInterceptors {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated on demand, see above
  return require('@temporalio/interceptors-opentelemetry/lib/workflow/index.js') as OpenTelemetryWorkflowInterceptors;
}

interface Traced {
  readonly inbound: OpenTelemetryInboundInterceptor;
  readonly outbound: OpenTelemetryOutboundInterceptor;
  readonly internals: OpenTelemetryInternalsInterceptor;
}

/**
 * Temporal's OpenTelemetry workflow interceptors, for the runs that were started traced (their start carried
 * a trace header: the gateway's client always sends one). A run started without one — every case opened before
 * tracing existed, as its history shows — keeps running exactly as it did: the interceptors add steps between
 * an Update and the activity it causes, which reorders a workflow task's commands, so turning them on in a
 * running case would break its replay (`npm test`'s replay tier caught it; ADR 0013). The choice is made from
 * the run's own start, so a replay makes it the same way. A continue-as-new passes the trace header on.
 */
export function interceptors(): WorkflowInterceptors {
  let traced: Traced | undefined;
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      if (input.headers[TRACE_HEADER] !== undefined) {
        const otel = openTelemetry();
        traced = {
          inbound: new otel.OpenTelemetryInboundInterceptor(),
          outbound: new otel.OpenTelemetryOutboundInterceptor(),
          internals: new otel.OpenTelemetryInternalsInterceptor(),
        };
      }
      return traced ? traced.inbound.execute(input, next) : next(input);
    },
    handleSignal: (input, next) => (traced ? traced.inbound.handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (traced ? traced.inbound.handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => {
      if (traced) traced.inbound.validateUpdate(input, next);
      else next(input);
    },
    handleQuery: (input, next) => (traced ? traced.inbound.handleQuery(input, next) : next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (traced ? traced.outbound.scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) =>
      traced ? traced.outbound.scheduleLocalActivity(input, next) : next(input),
    startChildWorkflowExecution: (input, next) =>
      traced ? traced.outbound.startChildWorkflowExecution(input, next) : next(input),
    continueAsNew: (input, next) => (traced ? traced.outbound.continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (traced ? traced.outbound.signalWorkflow(input, next) : next(input)),
    getLogAttributes: (input, next) => (traced ? traced.outbound.getLogAttributes(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => {
      if (traced) void traced.internals.dispose(input, next);
      else next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
}
