export { backendNames, isBackendRequest, type BackendName, type BackendRequest } from './backend-name.js';
export { getBackendName, getBackendThreads, setBackend, type SetBackendOptions } from './set-backend.js';
export { registerWasmTrainingKernels, wasmTrainingKernelNames } from './wasm/register-wasm-training-kernels.js';
export { formatKernelProfile, profileKernels, type KernelProfile, type KernelProfileRow } from './profile-kernels.js';
