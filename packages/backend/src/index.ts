export { backendNames, isBackendRequest, type BackendName, type BackendRequest } from './backend-name.js';
export { getBackendName, setBackend } from './set-backend.js';
export { registerWasmTrainingKernels, wasmTrainingKernelNames } from './wasm/register-wasm-training-kernels.js';
