export { victimPathwayWorkflow } from './victim-pathway.workflow.js';
export { reintegrationMonitoringWorkflow, residencePermitWorkflow } from './pathway-clock.workflow.js';
export { workerProbeWorkflow } from './worker-probe.workflow.js';
