export { victimPathwayWorkflow } from './victim-pathway.workflow.js';
