export { GuardrailArea, GuardrailFinding, GuardrailObject, GuardrailsReport, GuardrailWaiver } from './findings';
export { GuardrailCheckInfo, Guardrails } from './guardrails';
