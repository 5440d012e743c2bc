/**
 * The part of the WebAssembly JS API the tier uses, typed here: the project's compiler
 * settings include no DOM library (where TypeScript declares `WebAssembly`), and Node has
 * the API as a global.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export type WasmImports = Record<string, Record<string, unknown>>;

export interface WasmTable {
  readonly length: number;
  grow(delta: number): number;
  set(index: number, value: unknown): void;
}

interface WasmApi {
  Table: new (descriptor: { element: 'anyfunc'; initial: number; maximum?: number }) => WasmTable;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
}

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
