export * from './app';
export * from './argo-cd';
export * from './drift';
export * from './environment';
