/** The backends tame can run on, in the order `auto` prefers them. */
export const backendNames = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export type BackendRequest = BackendName | 'auto';

export function isBackendRequest(value: string): value is BackendRequest {
  return value === 'auto' || (backendNames as readonly string[]).includes(value);
}
