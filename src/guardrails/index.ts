export * from './findings';
export * from './guardrails';
export { JsonObject } from './manifests';
